// `npm run bench -- stream [--runs N]`: the monitor's log/metrics streaming against plain ssh.
// 1. 200,000 metric lines written on h1 as fast as possible: time from the writer's first
//    byte until the whole file is in the local copy, vs `ssh h1 cat FILE > local` of the same
//    file, interleaved, medians; ratio target <= 1.3.
// 2. Latency at 100 lines/s: host write time (in the line) to arrival in the streamer; p50/p99.
// 3. Peak RSS of a streaming process (a child) copying 1 GiB of log; target < 200 MB.
// Needs `npm run build` and the testbed (`npm run testbed -- up`). The testbed hosts share
// this machine's clock and filesystem, which is what makes (1) and (2) measurable exactly.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { fmtMs, fmtRatio, median, percentile, report } from "./measure.mjs";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const dist = (module) => import(path.join(repo, "dist", module, "index.js"));
const state = () => JSON.parse(readFileSync(path.join(repo, ".testbed/state.json"), "utf8"));
const silent = { emit() {} };
/** h1 by default; another testbed host when h1 is busy with fault tests. */
const HOST = process.env.BENCH_HOST || "h1";
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function ssh(host, command) {
  const { workspace } = state();
  const result = spawnSync(
    "ssh",
    ["-F", workspace.sshConfig, "-o", "BatchMode=yes", host, command],
    {
      encoding: "utf8",
      maxBuffer: 1 << 20,
    },
  );
  if (result.status !== 0) throw new Error(`ssh ${host} ${command.slice(0, 60)}: ${result.stderr}`);
  return result.stdout;
}

/** The same, without blocking this process (the streamer must run while the writer writes). */
function sshAsync(host, command) {
  const { workspace } = state();
  return new Promise((resolve, reject) => {
    const child = spawn("ssh", ["-F", workspace.sshConfig, "-o", "BatchMode=yes", host, command], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("exit", (code) =>
      code === 0 ? resolve(out) : reject(new Error(`ssh ${host}: exit ${code}: ${err}`)),
    );
  });
}

async function connect() {
  const { loadWorkspace } = await dist("config");
  const { createHostPool } = await dist("hosts");
  const workspace = await loadWorkspace({
    dir: state().workspace.dir,
    cwd: repo,
    env: process.env,
  });
  return createHostPool({ workspace });
}

/** A fresh registry run whose attempt 1 lives in a fresh directory on `host`. */
async function freshRun(host) {
  const { RunRegistry } = await dist("runs");
  const stateDir = mkdtempSync(path.join(os.tmpdir(), "tunectl-bench-stream-"));
  const registry = new RunRegistry(stateDir);
  const run = await registry.create({
    name: "bench",
    configYaml: "name: bench\n",
    model: "builtin:tiny",
    image: "none",
    gpus_requested: 0,
  });
  const workdir = state().hosts.find((h) => h.name === host).workdir;
  const hostDir = path.join(workdir, "runs", run.id);
  ssh(host, `mkdir -p ${hostDir}/output/logs`);
  return {
    stateDir,
    registry,
    runId: run.id,
    hostDir,
    cleanup: () => (
      rmSync(stateDir, { recursive: true, force: true }),
      ssh(host, `rm -rf ${hostDir}`)
    ),
  };
}

const metricsAwk = (lines, file) =>
  `awk 'BEGIN { for (i = 0; i < ${lines}; i++) printf "{\\"ts\\": 1700000000.%03d, \\"step\\": %d, \\"total_steps\\": ${lines}, \\"epoch\\": 0.5, \\"loss\\": 1.2345, \\"lr\\": 0.0002, \\"grad_norm\\": 0.9, \\"tokens\\": 4096, \\"tokens_per_s\\": 1530.2, \\"kind\\": \\"train\\"}\\n", i % 1000, i }' >> ${file}`;

async function throughputOnce(pool, lines) {
  const { RunStreamer } = await dist("monitor");
  const run = await freshRun(HOST);
  const remote = `${run.hostDir}/output/metrics.jsonl`;
  const streamer = new RunStreamer({
    registry: run.registry,
    runId: run.runId,
    attempt: 1,
    host: await pool.get(HOST),
    hostDir: run.hostDir,
    reporter: silent,
  });
  await streamer.start();
  await sleep(300); // connected and idle, as during a run
  // the writer stamps its own start (same clock as ours)
  const out = await sshAsync(HOST, `date +%s%N; ${metricsAwk(lines, remote)}`);
  const startedMs = Number(out.trim()) / 1e6;
  const size = statSync(remote).size;
  const local = run.registry.paths(run.runId).metrics;
  while ((statSync(local, { throwIfNoEntry: false })?.size ?? 0) < size) await sleep(2);
  const streamMs = Date.now() - startedMs;
  await streamer.stop({ drain: false });
  // the baseline, on the same file in the same run
  const copy = path.join(run.stateDir, "cat-copy.jsonl");
  const t0 = performance.now();
  const cat = spawnSync("sh", [
    "-c",
    `ssh -F '${state().workspace.sshConfig}' -o BatchMode=yes ${HOST} cat '${remote}' > '${copy}'`,
  ]);
  const catMs = performance.now() - t0;
  if (cat.status !== 0 || statSync(copy).size !== size) throw new Error("ssh cat failed");
  run.cleanup();
  return { streamMs, catMs, bytes: size };
}

async function latency(pool, lines = 1000) {
  const { RunStreamer } = await dist("monitor");
  const run = await freshRun(HOST);
  const samples = [];
  const streamer = new RunStreamer({
    registry: run.registry,
    runId: run.runId,
    attempt: 1,
    host: await pool.get(HOST),
    hostDir: run.hostDir,
    reporter: silent,
    onMetric: (line) => samples.push(Date.now() - line.wall_ms),
  });
  await streamer.start();
  await sleep(300);
  const file = `${run.hostDir}/output/metrics.jsonl`;
  // 100 lines/s: each line carries its write time in ms
  await sshAsync(
    HOST,
    `i=0; while [ $i -lt ${lines} ]; do printf '{"ts": 0, "step": %d, "kind": "train", "wall_ms": %s}\\n' $i $(($(date +%s%N) / 1000000)) >> ${file}; i=$((i+1)); sleep 0.01; done`,
  );
  const deadline = Date.now() + 10_000;
  while (samples.length < lines && Date.now() < deadline) await sleep(20);
  await streamer.stop({ drain: false });
  run.cleanup();
  return samples;
}

/** Child mode: stream one attempt until the local log reaches `bytes`, then print VmHWM. */
async function rssChild([hostDir, stateDir, runId, bytes]) {
  const { RunRegistry } = await dist("runs");
  const { RunStreamer } = await dist("monitor");
  const pool = await connect();
  const registry = new RunRegistry(stateDir);
  const streamer = new RunStreamer({
    registry,
    runId,
    attempt: 1,
    host: await pool.get(HOST),
    hostDir,
    reporter: silent,
  });
  const started = Date.now();
  await streamer.start();
  const local = registry.paths(runId).attemptLog(1);
  while ((statSync(local, { throwIfNoEntry: false })?.size ?? 0) < Number(bytes)) await sleep(50);
  const seconds = (Date.now() - started) / 1000;
  await streamer.stop({ drain: false });
  await pool.closeAll();
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"))[1];
  process.stdout.write(JSON.stringify({ peakRssMb: Number(hwm) / 1024, seconds }) + "\n");
}

async function peakRss(gib = 1) {
  const run = await freshRun(HOST);
  const bytes = gib * 2 ** 30;
  ssh(
    HOST,
    `yes 'trainer log line: step 123 loss 1.2345 lr 2.0e-4 tokens/s 1530 (a typical line)' | head -c ${bytes} > ${run.hostDir}/output/logs/attempt-1.log`,
  );
  const child = spawn(
    process.execPath,
    [
      fileURLToPath(import.meta.url),
      "--rss-child",
      run.hostDir,
      run.stateDir,
      run.runId,
      String(bytes),
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  await new Promise((resolve) => child.on("exit", resolve));
  const localCopy = run.registry.paths(run.runId).attemptLog(1);
  const identical =
    spawnSync("cmp", ["-s", localCopy, `${run.hostDir}/output/logs/attempt-1.log`]).status === 0;
  run.cleanup();
  return { ...JSON.parse(out), identical };
}

export default async function main(args) {
  if (args[0] === "--rss-child") return rssChild(args.slice(1));
  const runs = Number(args[args.indexOf("--runs") + 1] || 5);
  const lines = 200_000;
  const pool = await connect();
  try {
    const results = [];
    for (let i = 0; i < runs; i++) results.push(await throughputOnce(pool, lines));
    const stream = median(results.map((r) => r.streamMs));
    const cat = median(results.map((r) => r.catMs));
    report(
      `stream: ${lines} metric lines (${(results[0].bytes / 2 ** 20).toFixed(1)} MiB) written on ${HOST} as fast as possible, ${runs} runs`,
      [
        `tunectl streamer, write start -> all local: ${fmtMs(stream)} (runs: ${results.map((r) => r.streamMs.toFixed(0)).join(", ")})`,
        `ssh ${HOST} cat FILE > local:                    ${fmtMs(cat)} (runs: ${results.map((r) => r.catMs.toFixed(0)).join(", ")})`,
        `ratio: ${fmtRatio(stream / cat, 1.3)}`,
      ],
    );
    const samples = await latency(pool);
    report(`stream latency at 100 lines/s (${samples.length} lines, host write -> local arrival)`, [
      `p50 ${fmtMs(percentile(samples, 50))}  p99 ${fmtMs(percentile(samples, 99))}  max ${fmtMs(Math.max(...samples))}`,
    ]);
  } finally {
    await pool.closeAll();
  }
  const gib = Number(process.env.BENCH_STREAM_GIB || 1);
  const rss = await peakRss(gib);
  report(`stream: peak RSS of the streaming process copying ${gib} GiB of log`, [
    `peak RSS ${rss.peakRssMb.toFixed(1)} MB (target < 200 MB: ${rss.peakRssMb < 200 ? "met" : "NOT met"}), ${rss.seconds.toFixed(1)} s, ${((gib * 1024) / rss.seconds).toFixed(0)} MiB/s, local copy identical: ${rss.identical}`,
  ]);
}

if (process.argv[2] === "--rss-child") await main(process.argv.slice(2));
