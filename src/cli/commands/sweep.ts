import type { Command } from "commander";
import type { App, CommandContext, RegisterCommand } from "../app.js";
import { ExitCode } from "../exit-code.js";
import { renderTable } from "../table.js";
import type { Leaderboard } from "../../sweep/index.js";

const examples = `
Examples:
  tunectl sweep lr-sweep.yaml             check the spec and every trial's config, register the sweep, list its trials
  tunectl sweep lr-sweep.yaml --json
  tunectl sweep run lr-sweep.yaml         run the trials (a resumed sweep skips trials that succeeded)
  tunectl sweep status                    leaderboard of the latest sweep (or: sweep status SWEEP --json)
  tunectl sweep attach lr-sweep           live leaderboard until the sweep ends (Ctrl-C detaches)
  tunectl sweep cancel lr-sweep           cancel every active trial (checkpointed); nothing new starts
  tunectl sweep resume lr-sweep           schedule again: skip finished trials, resume interrupted ones

A spec (docs/sweeps.md):
  experiment: ../configs/tiny-cpu.yaml    # relative to the spec
  method: grid                            # grid | random | tpe
  parameters:
    train.learning_rate: {values: [1.0e-4, 3.0e-4]}
  paired: [{lora.r: 8, lora.alpha: 16}, {lora.r: 16, lora.alpha: 32}]
  seeds: [1, 2]
  budget: {trials: 8, gpu_hours: 4}
  metric: {name: eval_loss, goal: minimize}
  early_stopping: {method: asha, min_resource: 20, reduction_factor: 3}   # random, tpe

Ctrl-C on sweep run detaches: the trials keep running, but no new trial starts until
tunectl sweep resume SWEEP schedules the sweep again.`;

export const registerSweep: RegisterCommand = (program: Command, app: App) => {
  const sweep = program
    .command("sweep")
    .description("a search over an experiment's config paths (grid, random, tpe)")
    .argument("<spec>", "sweep spec YAML file")
    .addHelpText("after", examples)
    .action(app.action(plan));
  sweep
    .command("run")
    .description("run a sweep's trials: at most one per free GPU of the experiment's hosts")
    .argument("<spec>", "sweep spec YAML file")
    .action(app.action(run));
  sweep
    .command("resume")
    .description(
      "schedule a sweep again: skip finished trials, follow active ones, resume interrupted ones",
    )
    .argument("<sweep>", "sweep id, unique prefix or name")
    .action(app.action(resume));
  sweep
    .command("cancel")
    .description(
      "cancel every active trial of a sweep (each checkpoints first); nothing new starts",
    )
    .argument("<sweep>", "sweep id, unique prefix or name")
    .option("--force", "kill the trainers at once, without a checkpoint")
    .action(app.action(cancel));
  sweep
    .command("attach")
    .description("live leaderboard of a sweep until it ends; Ctrl-C detaches")
    .argument("[sweep]", "sweep id, unique prefix or name (default: the latest sweep)")
    .action(app.action(attach));
  sweep
    .command("status")
    .description("leaderboard of a sweep's trials: params, state, best metric")
    .argument("[sweep]", "sweep id, unique prefix or name (default: the latest sweep)")
    .action(app.action(status));
};

async function plan(ctx: CommandContext, file: string) {
  const { loadSweepSpec } = await import("../../sweep/index.js");
  const sweep = await loadSweepSpec(file, {
    cwd: process.cwd(),
    env: process.env,
    workspace: await ctx.workspace(),
  });
  const { SweepRegistry } = await import("../../sweep/index.js");
  await new SweepRegistry((await ctx.workspace()).stateDir).register(sweep);
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

async function run(ctx: CommandContext, file: string) {
  return schedule(ctx, file, false);
}

async function resume(ctx: CommandContext, ref: string) {
  const { SweepRegistry } = await import("../../sweep/index.js");
  const record = await new SweepRegistry((await ctx.workspace()).stateDir).resolve(ref);
  return schedule(ctx, record.spec_file, true);
}

/** sweep run and sweep resume: this process becomes the sweep's scheduler until it ends. */
async function schedule(ctx: CommandContext, file: string, reopen: boolean) {
  const { loadSweepSpec, runSweep, sweepPython } = await import("../../sweep/index.js");
  const loadOptions = { cwd: process.cwd(), env: process.env, workspace: await ctx.workspace() };
  const sweep = await loadSweepSpec(file, loadOptions);
  const deps = await ctx.launchDeps();
  const result = await runSweep(sweep, deps, {
    signal: ctx.interrupted,
    loadOptions,
    reopen,
    ...(sweep.spec.method === "grid" ? {} : { python: await sweepPython(process.env) }),
  });
  const states = [...result.ended.values()].map((end) => end.state);
  const count = (state: string) => states.filter((s) => s === state).length;
  if (ctx.globals.json) {
    ctx.io.json({
      id: result.id,
      slots: result.slots,
      ended: Object.fromEntries(result.ended),
      skipped: result.skipped,
      left: result.left,
    });
  } else {
    const parts = ["succeeded", "failed", "cancelled", "lost", "detached"]
      .filter((state) => count(state) > 0)
      .map((state) => `${count(state)} ${state}`);
    ctx.io.out(
      [
        `sweep ${result.id}: ${result.ended.size} trial(s) ran on ${result.slots} slot(s)${parts.length ? ` (${parts.join(", ")})` : ""}`,
        ...(result.skipped.length ? [`  ${result.skipped.length} skipped: finished before`] : []),
        ...(result.left.length
          ? [`  ${result.left.length} not started (budget, cancel or Ctrl-C)`]
          : []),
        `  tunectl sweep status ${result.id} shows the leaderboard`,
      ].join("\n"),
    );
  }
  if (ctx.interrupted.aborted) {
    process.stderr.write(
      `interrupted: started trials keep running, nothing new starts; tunectl sweep resume ${result.id} schedules the sweep again\n`,
    );
    return ExitCode.interrupted;
  }
  return ExitCode.ok;
}

async function cancel(ctx: CommandContext, ref: string, flags: { force?: boolean }) {
  const { SweepRegistry, cancelSweep } = await import("../../sweep/index.js");
  const record = await new SweepRegistry((await ctx.workspace()).stateDir).resolve(ref);
  const result = await cancelSweep(record, await ctx.launchDeps(), { force: flags.force === true });
  if (ctx.globals.json) {
    ctx.io.json({
      id: result.id,
      cancelled: result.cancelled.map((run) => ({ run: run.id, state: run.state })),
    });
    return ExitCode.ok;
  }
  ctx.io.out(
    [
      `sweep ${result.id} cancelled: ${result.cancelled.length} active trial(s) stopped`,
      ...result.cancelled.map((run) => `  ${run.id} ${run.state}`),
      `  tunectl sweep resume ${result.id} continues it (interrupted trials from their checkpoints)`,
    ].join("\n"),
  );
  return ExitCode.ok;
}

async function attach(ctx: CommandContext, ref: string | undefined) {
  const { SweepRegistry, watchSweep } = await import("../../sweep/index.js");
  const { systemClock } = await import("../../report/index.js");
  const workspace = await ctx.workspace();
  const record = await new SweepRegistry(workspace.stateDir).resolve(ref);
  const registry = await ctx.registry();
  const board = await watchSweep(workspace.stateDir, registry, record.id, {
    clock: systemClock,
    signal: ctx.interrupted,
    onBoard: (next, scheduled) => {
      if (ctx.globals.json) ctx.io.json({ ...next, scheduled });
      else
        ctx.io.out(
          `${leaderboardText(next)}\n${scheduled ? "scheduled by a running tunectl" : "no scheduler: tunectl sweep resume schedules it"}`,
        );
    },
  });
  if (ctx.interrupted.aborted) {
    process.stderr.write(`detached from sweep ${board.id}; tunectl sweep attach ${board.id}\n`);
    return ExitCode.interrupted;
  }
  return ExitCode.ok;
}

async function status(ctx: CommandContext, ref: string | undefined) {
  const { SweepRegistry, sweepLeaderboard } = await import("../../sweep/index.js");
  const { readRunMetrics } = await import("../../runs/index.js");
  const registry = await ctx.registry();
  const record = await new SweepRegistry((await ctx.workspace()).stateDir).resolve(ref);
  const board = await sweepLeaderboard(record, await registry.list(), (run) =>
    readRunMetrics(registry.paths(run.id).metrics),
  );
  if (ctx.globals.json) {
    ctx.io.json(board);
    return ExitCode.ok;
  }
  ctx.io.out(leaderboardText(board));
  return ExitCode.ok;
}

function leaderboardText(board: Leaderboard): string {
  const counts = new Map<string, number>();
  for (const row of board.trials) counts.set(row.state, (counts.get(row.state) ?? 0) + 1);
  const summary = [...counts].map(([state, n]) => `${n} ${state}`).join(", ");
  const paths = [...new Set(board.trials.flatMap((row) => Object.keys(row.params)))];
  const table = renderTable(
    ["#", "trial", ...paths, "state", `best ${board.metric.name}`, "step", "run"],
    board.trials.map((row, i) => [
      row.best === null ? null : i + 1,
      row.trial,
      ...paths.map((p) => (p in row.params ? shown(row.params[p]) : null)),
      row.state,
      row.best === null ? null : Number(row.best.toPrecision(5)),
      row.best_step ?? null,
      row.run ?? null,
    ]),
  );
  const count = `${board.trials.length} trial${board.trials.length === 1 ? "" : "s"}`;
  return `sweep ${board.id} (${board.method}, ${board.metric.name} ${board.metric.goal}): ${count}${summary ? `, ${summary}` : ""}\n${table}`;
}

function shown(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}
