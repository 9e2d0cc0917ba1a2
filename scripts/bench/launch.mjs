// `npm run bench -- launch`: what tunectl adds to starting a container on a GPU host.
//  1. `tunectl run --detach` of a staged, cached experiment (data already in the bucket and
//     on the host) against `ssh h1 docker run -d IMAGE true`, interleaved; target ratio <= 2.0.
//  2. twelve `tunectl run --detach` on three hosts at once against one launch; target <= 3x.
// Runs on the testbed (brought up if needed); every run it starts is killed afterwards. Both
// sides start the same idle image (the trainer image with `sleep` as entrypoint): the bench
// measures what it takes to launch, not the trainer's start-up competing for the 2 CPU cores.
import { spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { compare, fmtMs, fmtRatio, median, report } from "./measure.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const bin = path.join(root, "bin", "tunectl.js");
const workspace = path.join(root, ".testbed", "workspace");
const config = path.join(root, "configs", "tiny-cpu.yaml");
const quick = [
  "--set",
  "train.max_steps=2",
  "--set",
  "train.save_steps=2",
  "--set",
  "train.eval_steps=2",
];

function awsEnv() {
  const env = { ...process.env };
  for (const line of readFileSync(path.join(workspace, "aws.env"), "utf8").split("\n")) {
    const match = /^(?:export\s+)?([A-Z_]+)=(.*)$/.exec(line.trim());
    if (match) env[match[1]] = match[2].replace(/^['"]|['"]$/g, "");
  }
  return env;
}

function tunectl(args, env) {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: workspace,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("close", (code) => {
      if (code !== 0) reject(new Error(`tunectl ${args.join(" ")} exited ${code}: ${err}`));
      else resolve({ ms: performance.now() - start, out: out.trim() });
    });
  });
}

function ssh(host, command) {
  const start = performance.now();
  const result = spawnSync("ssh", ["-F", path.join(workspace, "ssh_config"), host, command], {
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`ssh ${host} ${command}: ${result.stderr}`);
  return { ms: performance.now() - start, out: result.stdout.trim() };
}

async function killRun(id, env) {
  await tunectl(["cancel", "--force", id], env).catch(() => undefined);
}

export default async function bench(args) {
  const runs = Number(args[0] ?? 5);
  spawnSync(process.execPath, [path.join(root, "scripts", "testbed", "cli.mjs"), "up"], {
    stdio: "inherit",
  });
  const env = awsEnv();
  const image = "tunectl-bench-idle";
  ssh(
    "h1",
    `printf 'FROM tunectl-trainer:cpu\\nENTRYPOINT ["sleep", "600"]\\n' | docker build -q -t ${image} - >/dev/null`,
  );

  // Warm: stage the data and put it in h1..h3's caches.
  for (const host of ["h1", "h2", "h3"]) {
    const { out } = await tunectl(["run", config, "--host", host, "--detach", ...quick], env);
    await killRun(out.split("\n").at(-1), env);
  }

  const started = [];
  const one = await compare(
    async () => {
      const { ms, out } = await tunectl(["run", config, "--host", "h1", "--detach", ...quick], env);
      started.push(out.split("\n").at(-1));
      await killRun(started.at(-1), env);
      return ms;
    },
    async () => {
      const { ms, out } = ssh("h1", `docker run -d --network host ${image} true`);
      ssh("h1", `docker rm -f ${out} >/dev/null`);
      return ms;
    },
    runs,
  );

  const burst = [];
  for (let round = 0; round < Math.max(1, Math.floor(runs / 2)); round++) {
    const start = performance.now();
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        tunectl(["run", config, "--host", `h${(i % 3) + 1}`, "--detach", ...quick], env),
      ),
    );
    burst.push(performance.now() - start);
    await Promise.all(results.map((r) => killRun(r.out.split("\n").at(-1), env)));
  }
  const burstMs = median(burst);

  report(`launch (median of ${runs}, interleaved)`, [
    `ssh h1 docker run -d IMAGE true     ${fmtMs(one.b)}`,
    `tunectl run --detach (cached)       ${fmtMs(one.a)}  ratio ${fmtRatio(one.ratio, 2.0)}`,
    `12 runs on 3 hosts at once          ${fmtMs(burstMs)}  ${fmtRatio(burstMs / one.a, 3.0)} of one launch`,
  ]);
}
