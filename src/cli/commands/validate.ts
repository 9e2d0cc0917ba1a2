import type { Command } from "commander";
import type { TrainSource } from "../../config/index.js";
import type { TokenCount } from "../../data/index.js";
import type { GeneratedSourcePlan, GenerationEstimate } from "../../generate/index.js";
import type { Problem } from "../../errors/index.js";
import type { App, CommandContext, RegisterCommand } from "../app.js";
import { ExitCode } from "../exit-code.js";

interface ValidateOptions {
  set: string[];
}

const collect = (value: string, previous: string[]) => [...previous, value];

export const registerValidate: RegisterCommand = (program: Command, app: App) => {
  program
    .command("validate")
    .description("check an experiment file (extends, --set, env, schema); writes nothing")
    .argument("<config>", "experiment YAML file")
    .option("--set <path=value>", "override a field, e.g. train.learning_rate=1e-4", collect, [])
    .action(app.action(validate));
};

async function validate(ctx: CommandContext, file: string, options: ValidateOptions) {
  const { validateExperiment, loadWorkspace } = await import("../../config/index.js");
  const { dataTruncationAllowed } = await import("../../data/index.js");
  const { isTunectlError, formatProblem } = await import("../../errors/index.js");
  const cwd = process.cwd();
  let workspace;
  try {
    workspace = await loadWorkspace({ dir: ctx.globals.workspace, cwd, env: process.env });
  } catch (error) {
    if (!isTunectlError(error) || error.problems.length === 0) throw error;
    return invalid(ctx, error.problems, formatProblem, error.message);
  }
  const result = await validateExperiment(file, {
    sets: options.set,
    env: process.env,
    workspace,
    cwd,
  });
  // Further checks of a valid config (data files, ...) append their problems here.
  const problems: Problem[] = [...result.problems];
  let tokens: TokenCount | undefined;
  let generation: GenerationReport | undefined;
  if (result.loaded && problems.length === 0) {
    // generate: sources get data generate's checks, and an estimate; nothing is sent.
    const { estimatePending, planGeneratedSources, withOutputs } =
      await import("../../generate/index.js");
    const planned = await planGeneratedSources(result.loaded, {
      stateDir: workspace.stateDir,
      cwd,
    });
    problems.push(...planned.problems);
    generation = { plans: planned.plans, pending: await estimatePending(planned.plans) };
    // The data that exists is checked; a source still to generate is checked when run makes it.
    const loaded = withOutputs(result.loaded.experiment, planned.plans);
    const { inspectExperimentData, loadModelTokenizer } = await import("../../data/index.js");
    const data =
      problems.length > 0 || loaded.data.train.length === 0
        ? { problems: [], warnings: [] as Problem[], tokens: undefined }
        : await inspectExperimentData(loaded, {
            storage: workspace.config.storage,
            tokenizer: await loadModelTokenizer(loaded.model, { env: process.env, cwd }),
            file,
          });
    problems.push(...data.problems);
    tokens = data.tokens;
    for (const warning of data.warnings.filter((w) => w.path === "data.max_seq_len"))
      dataTruncationAllowed.emit(ctx.io, formatProblem(warning), {
        records: tokens?.counted ? tokens.stats.records : 0,
        truncated: tokens?.counted ? tokens.stats.truncated : 0,
        dropped: tokens?.counted ? tokens.stats.dropped : 0,
      });
  }
  if (!result.loaded || problems.length > 0) {
    const count = `${problems.length} problem${problems.length === 1 ? "" : "s"}`;
    return invalid(ctx, problems, formatProblem, `${file}: not valid (${count})`);
  }
  const { experiment } = result.loaded;
  // A secret is read at launch, so a missing one does not make the file invalid; say so now
  // rather than after the data is rendered. Only whether each is set is shown, never a value.
  const secretsSet = Object.fromEntries(
    experiment.secrets.map((name) => [name, Boolean(process.env[name])]),
  );
  if (ctx.globals.json) {
    ctx.io.json({
      valid: true,
      file: result.loaded.file,
      files: result.loaded.files,
      config: experiment,
      secrets_set: secretsSet,
      ...(generation?.plans.length ? { generate: generateJson(generation) } : {}),
      ...(tokens ? { tokens } : {}),
    });
    return ExitCode.ok;
  }
  const { data, train } = experiment;
  const shown = (p: string) => (p.startsWith(`${cwd}/`) ? p.slice(cwd.length + 1) : p);
  const length =
    train.max_steps !== undefined
      ? `${train.max_steps} steps`
      : train.epochs !== undefined
        ? `${train.epochs} epoch${train.epochs === 1 ? "" : "s"}`
        : "length not set";
  const lines = [
    `${file}: valid`,
    `  name:  ${experiment.name}`,
    `  model: ${experiment.model.base} (${experiment.model.dtype}), LoRA r=${experiment.lora.r} alpha=${experiment.lora.alpha}`,
    ...data.train.map((source, i) => `  train: ${sourceLine(source, `data.train.${i}`)}`),
    ...(data.eval ?? []).map((source, i) => `  eval:  ${sourceLine(source, `data.eval.${i}`)}`),
    ...(data.eval_split > 0 ? [`  eval:  ${data.eval_split} held out`] : []),
    `  run:   ${length}, batch ${train.micro_batch_size} x ${train.gradient_accumulation_steps}, lr ${train.learning_rate}, template ${data.template}, max_seq_len ${data.max_seq_len}`,
    `  on:    ${experiment.resources.gpus} GPU(s), image ${experiment.resources.image}`,
    ...secretLines(secretsSet),
    ...(tokens ? [`  tokens: ${tokenLine(tokens)}`] : []),
  ];
  ctx.io.out(lines.join("\n"));
  return ExitCode.ok;

  function sourceLine(source: TrainSource, at: string): string {
    if (!("generate" in source)) return `${shown(source.path)} (${source.format})`;
    const plan = generation?.plans.find((p) => p.at === at);
    const spec = typeof source.generate === "string" ? shown(source.generate) : "inline spec";
    if (!plan) return `generate ${spec}`;
    if (plan.cached)
      return `generate ${spec} (${plan.spec.spec.mode}): in the cache, ${plan.cached.records} records (${plan.keys.output.slice(0, 12)})`;
    const e = generation?.pending.find((p) => p.at === at)?.estimate;
    const key = plan.spec.spec.endpoint.api_key_secret;
    const keyNote = key && !process.env[key] ? `; ${key} is not set` : "";
    return (
      `generate ${spec} (${plan.spec.spec.mode}): run generates it first: ~${e?.requests} requests` +
      `${e?.journaled ? ` (${e.journaled} in the journal)` : ""}, ~${e?.input_tokens} input tokens, at most ${e?.max_output_tokens} output tokens, at most $${e?.max_cost_usd.toFixed(4)}${keyNote}`
    );
  }
}

interface GenerationReport {
  plans: GeneratedSourcePlan[];
  pending: Array<{ at: string; spec: string; estimate: GenerationEstimate }>;
}

function generateJson(report: GenerationReport) {
  return report.plans.map((plan) => ({
    source: plan.at,
    spec: plan.spec.shown,
    mode: plan.spec.spec.mode,
    key: plan.keys.output,
    cached: Boolean(plan.cached),
    ...(plan.cached ? { records: plan.cached.records } : {}),
    ...(plan.cached ? {} : { estimate: report.pending.find((p) => p.at === plan.at)?.estimate }),
  }));
}

function secretLines(set: Record<string, boolean>): string[] {
  const names = Object.keys(set);
  if (names.length === 0) return [];
  const missing = names.filter((name) => !set[name]);
  const line = `  secrets: ${names.map((name) => `${name}${set[name] ? "" : " (not set)"}`).join(", ")}`;
  if (missing.length === 0) return [line];
  return [
    line,
    `  note:  run refuses until ${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} exported`,
  ];
}

function tokenLine(tokens: TokenCount): string {
  if (!tokens.counted) return `not counted here: ${tokens.reason}`;
  const { stats } = tokens;
  const l = stats.length;
  return (
    `${stats.records} records, min ${l.min} p50 ${l.p50} p90 ${l.p90} p99 ${l.p99} max ${l.max} (${stats.tokenizer}); ` +
    `${stats.truncated} truncated at ${stats.max_seq_len}, ${stats.dropped} dropped`
  );
}

/** Problems go to stderr one per line, in the FILE:LINE:COL form editors jump to. */
function invalid(
  ctx: CommandContext,
  problems: Problem[],
  format: (problem: Problem) => string,
  summary: string,
): number {
  if (ctx.globals.json) {
    ctx.io.json({ valid: false, problems });
  } else {
    process.stderr.write(`${[...problems.map(format), summary].join("\n")}\n`);
  }
  return ExitCode.user;
}
