// Shared by the benchmarks: repeated timing, medians and ratios. These machines are noisy,
// so every figure is a median of several runs and every comparison is a ratio measured in
// the same run, interleaving the two sides.
import { spawnSync } from "node:child_process";
import { performance } from "node:perf_hooks";

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Time an async function; returns milliseconds. */
export async function time(fn) {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/**
 * What a benchmark needs and this machine lacks (a tool, the testbed): `npm run bench` prints
 * the message, which says what to do, and exits 3 instead of showing a stack trace.
 */
export class BenchSetupError extends Error {}

/** Time a command to completion (stdout discarded); throws if it fails. */
export function timeCommand(command, args, options = {}) {
  const start = performance.now();
  const result = spawnSync(command, args, { stdio: ["ignore", "ignore", "pipe"], ...options });
  const ms = performance.now() - start;
  if (result.error?.code === "ENOENT") {
    throw new BenchSetupError(
      `${command} is not installed (needed as the baseline of this benchmark)`,
    );
  }
  if (result.status !== 0 && !options.allowFailure) {
    throw new Error(`${command} ${args.join(" ")} exited ${result.status}: ${result.stderr}`);
  }
  return ms;
}

/**
 * Measure two sides `runs` times each, interleaved (a, b, a, b, ...) so drift in machine load
 * hits both alike; returns the medians and the ratio a/b.
 */
export async function compare(a, b, runs = 7) {
  const ta = [];
  const tb = [];
  for (let i = 0; i < runs; i++) {
    ta.push(await a());
    tb.push(await b());
  }
  const ma = median(ta);
  const mb = median(tb);
  return { a: ma, b: mb, ratio: ma / mb, samplesA: ta, samplesB: tb };
}

export function report(title, rows) {
  process.stdout.write(`\n${title}\n`);
  for (const row of rows) process.stdout.write(`  ${row}\n`);
}

export const fmtMs = (ms) => `${ms.toFixed(1)} ms`;
export const fmtRatio = (r, target, op = "<=") =>
  `${r.toFixed(2)}x (target ${op} ${target}: ${op === "<=" ? (r <= target ? "met" : "NOT met") : r >= target ? "met" : "NOT met"})`;
