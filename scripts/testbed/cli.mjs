#!/usr/bin/env node
// npm run testbed -- up [--hosts N] [--gpus h1=2,h3=1] [--no-image] | down | status [--json]
//   | cut HOST | restore HOST | stop-sshd HOST | start-sshd HOST | stop-s3 | start-s3
import { parseArgs } from "node:util";
import { parseGpuSpec } from "./fake-gpus.mjs";
import { defaultGpus, maxHosts } from "./layout.mjs";
import { withLock } from "./lock.mjs";
import { down, faults, status, up } from "./testbed.mjs";

const usage = `usage: npm run testbed -- <command>
  up [--hosts N] [--gpus h1=2,h3=1] [--no-image] [--slurm]
                                                    start (or repair) the testbed; default 3 hosts, h3 has 1 fake GPU;
                                                    --slurm adds slurmctld on h1 and slurmds on h2, h3 (kept by later ups)
  down                                              stop everything it started, remove namespaces; caches kept
  status [--json]                                   what is up
  cut HOST | restore HOST                           take a host's link down / bring it back
  stop-sshd HOST | start-sshd HOST                  stop / start a host's sshd
  stop-s3 | start-s3                                stop / start the S3 server (data kept)
  stop-slurmd HOST | start-slurmd HOST              kill / start a Slurm node's slurmd
  fail-node HOST                                    a Slurm node dies: its slurmd and its jobs' processes killed`;

const log = (msg) => console.error(`testbed: ${msg}`);

function printStatus(s) {
  if (!s.up) return console.log("testbed: down");
  console.log(`workspace  ${s.workspace}`);
  console.log(
    `docker     ${s.docker.answering ? "up" : "DOWN"}  pid ${s.docker.pid ?? "-"}  ${s.docker.host}`,
  );
  console.log(
    `s3         ${s.s3.answering ? "up" : "DOWN"}  pid ${s.s3.pid ?? "-"}  ${s.s3.endpoint}  bucket ${s.s3.bucket}`,
  );
  console.log(`image      ${s.image.name ?? "-"} ${s.image.present ? "present" : "MISSING"}`);
  if (s.slurm) {
    const p = s.slurm.pids;
    const nodes = Object.entries(p.slurmd)
      .map(([n, pid]) => `slurmd ${n} ${pid ?? "DOWN"}`)
      .join("  ");
    console.log(
      `slurm      slurmctld ${p.slurmctld ?? "DOWN"} (${s.slurm.controller})  ${nodes}  munged ${p.munged ?? "DOWN"}`,
    );
  }
  for (const h of s.hosts) {
    const sshd = h.sshd.pid
      ? `sshd pid ${h.sshd.pid}${h.sshd.answering ? "" : " (not answering)"}`
      : "sshd DOWN";
    console.log(
      `${h.name.padEnd(10)} ${h.address.padEnd(12)} link ${h.link.padEnd(4)} ${sshd}  gpus ${h.gpus}`,
    );
  }
}

async function main(argv) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      hosts: { type: "string" },
      gpus: { type: "string" },
      "no-image": { type: "boolean" },
      slurm: { type: "boolean" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  const [command, target] = positionals;
  if (values.help || !command) return console.log(usage);
  if (command === "up") {
    const hosts = values.hosts === undefined ? 3 : Number(values.hosts);
    if (!Number.isInteger(hosts) || hosts < 1 || hosts > maxHosts)
      throw new Error(`--hosts: 1..${maxHosts}`);
    const gpus = values.gpus === undefined ? defaultGpus : parseGpuSpec(values.gpus);
    const result = await withLock(log, () =>
      up({ hosts, gpus, image: !values["no-image"], slurm: values.slurm === true, log }),
    );
    const slurm =
      result.slurmSeconds === undefined
        ? ""
        : `; Slurm ready in ${result.slurmSeconds.toFixed(1)} s`;
    log(
      `up in ${result.seconds.toFixed(1)} s: ${result.hosts} hosts${slurm}; workspace .testbed/workspace/`,
    );
    return;
  }
  if (command === "down") return withLock(log, () => down({ log }));
  if (command === "status") {
    const s = await status();
    return values.json ? console.log(JSON.stringify(s, null, 2)) : printStatus(s);
  }
  const fault = faults[command];
  if (!fault) throw new Error(`unknown command "${command}"\n${usage}`);
  const needsHost = !command.endsWith("-s3");
  if (needsHost && !target) throw new Error(`${command} needs a HOST (h1, h2, ...)`);
  await withLock(log, () => fault(target));
  log(`${command}${target ? ` ${target}` : ""}: done`);
}

main(process.argv.slice(2)).catch((err) => {
  console.error(`testbed: ${err.message}`);
  process.exitCode = 1;
});
