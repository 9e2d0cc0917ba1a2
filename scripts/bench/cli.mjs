// `npm run bench -- cli`: start-up cost of the CLI. Median wall time of `tunectl --help` and of
// `tunectl ps` over a generated registry of 1000 finished runs, each against bare `node -e 0`,
// measured interleaved in the same run. Targets: help <= 4x, ps <= 8x.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { compare, fmtMs, fmtRatio, report, timeCommand } from "./measure.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const bin = path.join(root, "bin", "tunectl.js");

async function generateRegistry(dir, count) {
  const { RunRegistry } = await import(path.join(root, "dist", "runs", "index.js"));
  const { appendLines } = await import(path.join(root, "dist", "runs", "index.js"));
  const registry = new RunRegistry(path.join(dir, ".tunectl"));
  for (let i = 0; i < count; i++) {
    const run = await registry.create({
      name: `bench-${i % 10}`,
      configYaml: "name: bench\n",
      model: "builtin:tiny",
      image: "tunectl-trainer:cpu",
      gpus_requested: 0,
    });
    for (const to of ["staging", "placing", "launching", "running", "succeeded"]) {
      await registry.setState(
        run.id,
        to,
        to === "launching" ? { host: "h1", host_dir: "/w/runs/x" } : {},
      );
    }
    const lines = Array.from({ length: 20 }, (_, s) =>
      JSON.stringify({ ts: s, step: s + 1, total_steps: 20, loss: 2 - s / 20, kind: "train" }),
    );
    await appendLines(registry.paths(run.id).metrics, lines);
  }
}

export default async function bench(args) {
  const runs = Number(args[0] ?? 9);
  const dir = mkdtempSync(path.join(tmpdir(), "tunectl-bench-cli-"));
  try {
    process.stdout.write("generating a registry of 1000 runs...\n");
    await generateRegistry(dir, 1000);
    const node = () => timeCommand(process.execPath, ["-e", "0"]);
    const help = await compare(() => timeCommand(process.execPath, [bin, "--help"]), node, runs);
    const ps = await compare(
      () => timeCommand(process.execPath, [bin, "ps"], { cwd: dir }),
      node,
      runs,
    );
    const psAll = await compare(
      () => timeCommand(process.execPath, [bin, "ps", "--all", "--json"], { cwd: dir }),
      node,
      runs,
    );
    report(`cli start-up (median of ${runs}, interleaved with bare node)`, [
      `node -e 0                 ${fmtMs(help.b)}`,
      `tunectl --help            ${fmtMs(help.a)}  ratio ${fmtRatio(help.ratio, 4)}`,
      `tunectl ps (1000 runs)    ${fmtMs(ps.a)}  ratio ${fmtRatio(ps.ratio, 8)}`,
      `tunectl ps --all --json   ${fmtMs(psAll.a)}  ratio ${psAll.ratio.toFixed(2)}x (all 1000 rows rendered)`,
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
