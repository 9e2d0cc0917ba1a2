import type { Command } from "commander";
import type { App, CommandContext, RegisterCommand } from "../app.js";
import { ExitCode } from "../exit-code.js";
import { renderTable } from "../table.js";

const examples = `
Examples:
  tunectl sweep lr-sweep.yaml             check the spec and every trial's config; print the trials
  tunectl sweep lr-sweep.yaml --json

A spec (docs/sweeps.md):
  experiment: ../configs/tiny-cpu.yaml    # relative to the spec
  method: grid                            # grid | random | tpe
  parameters:
    train.learning_rate: {values: [1.0e-4, 3.0e-4]}
  paired: [{lora.r: 8, lora.alpha: 16}, {lora.r: 16, lora.alpha: 32}]
  seeds: [1, 2]
  budget: {trials: 8, gpu_hours: 4}
  metric: {name: eval_loss, goal: minimize}`;

export const registerSweep: RegisterCommand = (program: Command, app: App) => {
  program
    .command("sweep")
    .description("a search over an experiment's config paths (grid, random, tpe)")
    .argument("<spec>", "sweep spec YAML file")
    .addHelpText("after", examples)
    .action(app.action(plan));
};

async function plan(ctx: CommandContext, file: string) {
  const { loadSweepSpec } = await import("../../sweep/index.js");
  const sweep = await loadSweepSpec(file, {
    cwd: process.cwd(),
    env: process.env,
    workspace: await ctx.workspace(),
  });
  const { spec } = sweep;
  if (ctx.globals.json) {
    ctx.io.json({
      id: sweep.id,
      spec_file: sweep.specFile,
      experiment_file: sweep.experimentFile,
      method: spec.method,
      metric: spec.metric,
      budget: spec.budget,
      trials: sweep.trials.map((trial) => ({ id: trial.id, params: trial.params })),
    });
    return ExitCode.ok;
  }
  const head = `${sweep.shown}: sweep ${sweep.id}, ${spec.method}, metric ${spec.metric.name} (${spec.metric.goal})`;
  if (spec.method !== "grid") {
    ctx.io.out(`${head}\n  trials are asked of Optuna's ${spec.method} sampler as the sweep runs`);
    return ExitCode.ok;
  }
  const paths = Object.keys(sweep.trials[0]?.params ?? {});
  const table = renderTable(
    ["trial", ...paths],
    sweep.trials.map((trial) => [trial.id, ...paths.map((p) => shown(trial.params[p]))]),
  );
  const count = `${sweep.trials.length} trial${sweep.trials.length === 1 ? "" : "s"}`;
  const capped =
    spec.budget.trials !== undefined && spec.budget.trials < sweep.trials.length
      ? ` (budget: the first ${spec.budget.trials})`
      : "";
  ctx.io.out(`${head}, ${count}${capped}\n${table}`);
  return ExitCode.ok;
}

function shown(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}
