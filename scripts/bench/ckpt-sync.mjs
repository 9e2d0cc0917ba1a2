// `npm run bench -- ckpt-sync [--runs N]`: pulling a 500 MiB checkpoint of 40 files from h1
// with CheckpointSync (SFTP, resumable, every file's sha256 checked against the manifest)
// against `scp -r` of the same directory, interleaved, medians; ratio target <= 1.2.
// Needs `npm run build` and the testbed. BENCH_HOST picks another host than h1.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { compare, fmtMs, fmtRatio, report } from "./measure.mjs";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const dist = (module) => import(path.join(repo, "dist", module, "index.js"));
const state = JSON.parse(readFileSync(path.join(repo, ".testbed/state.json"), "utf8"));
const HOST = process.env.BENCH_HOST || "h1";
const silent = { emit() {} };

function ssh(command) {
  const result = spawnSync(
    "ssh",
    ["-F", state.workspace.sshConfig, "-o", "BatchMode=yes", HOST, command],
    { encoding: "utf8" },
  );
  if (result.status !== 0) throw new Error(`ssh ${HOST}: ${result.stderr}`);
  return result.stdout;
}

/** 40 files, 500 MiB in all, random bytes; manifest.json written last, as the trainer does. */
function makeCheckpoint(hostDir, files = 40, totalMiB = 500) {
  const dir = `${hostDir}/output/checkpoints/step-100`;
  const each = Math.floor((totalMiB * 2 ** 20) / files);
  ssh(
    [
      `set -e; mkdir -p ${dir}; cd ${dir}`,
      `head -c ${each * files} /dev/urandom > all.tmp`,
      `split -b ${each} -d -a 2 all.tmp shard-; rm all.tmp`,
      `printf '{"format":1,"step":100,"metrics":{"loss":1.1},"files":[' > ../m.tmp`,
      `first=1; for f in shard-*; do [ $first = 1 ] || printf , >> ../m.tmp; first=0;` +
        ` printf '{"path":"%s","size":%s,"sha256":"%s"}' $f $(wc -c < $f) $(sha256sum $f | cut -c1-64) >> ../m.tmp; done`,
      `printf ']}' >> ../m.tmp; mv ../m.tmp manifest.json`,
    ].join("\n"),
  );
  return dir;
}

export default async function main(args) {
  const runs = Number(args[args.indexOf("--runs") + 1] || 5);
  const { loadWorkspace } = await dist("config");
  const { createHostPool } = await dist("hosts");
  const { RunRegistry } = await dist("runs");
  const { CheckpointSync } = await dist("monitor");
  const workspace = await loadWorkspace({ dir: state.workspace.dir, cwd: repo, env: process.env });
  const pool = await createHostPool({ workspace });
  const workdir = state.hosts.find((h) => h.name === HOST).workdir;
  const hostDir = `${workdir}/runs/bench-ckpt-${process.pid}`;
  const scratch = mkdtempSync(path.join(os.tmpdir(), "tunectl-bench-ckpt-"));
  try {
    const dir = makeCheckpoint(hostDir);
    const host = await pool.get(HOST);
    let round = 0;
    const tunectl = async () => {
      const registry = new RunRegistry(path.join(scratch, `state-${round++}`));
      const run = await registry.create({
        name: "bench",
        configYaml: "name: bench\n",
        model: "builtin:tiny",
        image: "none",
        gpus_requested: 0,
      });
      const started = performance.now();
      const result = await new CheckpointSync({
        registry,
        runId: run.id,
        host,
        hostDir,
        reporter: silent,
      }).syncOnce();
      const ms = performance.now() - started;
      if (result.pulled[0] !== 100)
        throw new Error(`pull failed: ${JSON.stringify(result.errors)}`);
      rmSync(registry.runsDir, { recursive: true, force: true });
      return ms;
    };
    const scp = async () => {
      const target = path.join(scratch, `scp-${round++}`);
      const started = performance.now();
      const result = spawnSync("scp", [
        "-F",
        state.workspace.sshConfig,
        "-o",
        "BatchMode=yes",
        "-q",
        "-r",
        `${HOST}:${dir}`,
        target,
      ]);
      const ms = performance.now() - started;
      if (result.status !== 0) throw new Error(`scp failed: ${result.stderr}`);
      rmSync(target, { recursive: true, force: true });
      return ms;
    };
    const { a, b, ratio, samplesA, samplesB } = await compare(tunectl, scp, runs);
    report(
      `ckpt-sync: 500 MiB checkpoint of 40 files from ${HOST}, ${runs} runs each, interleaved`,
      [
        `tunectl CheckpointSync (sha256 checked): ${fmtMs(a)} (runs: ${samplesA.map((x) => x.toFixed(0)).join(", ")})`,
        `scp -r:                                  ${fmtMs(b)} (runs: ${samplesB.map((x) => x.toFixed(0)).join(", ")})`,
        `ratio: ${fmtRatio(ratio, 1.2)}`,
      ],
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    try {
      ssh(`rm -rf ${hostDir}`);
    } catch {
      // the host may be unreachable; the directory is in the testbed's workdir
    }
    await pool.closeAll();
  }
}
