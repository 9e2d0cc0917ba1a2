import type { Command } from "commander";
import type { DataFileOptions, DataFileReport } from "../../data/index.js";
import type { App, CommandContext, RegisterCommand } from "../app.js";
import { dataDuplicate, dataWarning, dataWritten } from "../events.js";
import { ExitCode } from "../exit-code.js";
import { integer, writableFile } from "../option-parsers.js";
import { writeOutputFile } from "../output-file.js";
import { formatBytes } from "../progress-view.js";
import { registerGenerate } from "./data-generate.js";

interface FileFlags {
  format: string;
  template?: string;
  type?: string;
  field: string[];
  role: string[];
  seed: number;
}

const collect = (value: string, previous: string[]) => [...previous, value];

function fileOptions(command: Command, templateHelp: string, templateDefault?: string): Command {
  return command
    .argument(
      "<file>",
      "dataset file: .json, .jsonl, .csv, .tsv, .parquet (optionally .gz) or s3://",
    )
    .requiredOption(
      "--format <format>",
      "alpaca | sharegpt | messages | completion | segments | text-label",
    )
    .option("--template <template>", templateHelp, templateDefault)
    .option(
      "--type <type>",
      "file type when the extension does not tell: json | jsonl | csv | tsv | parquet",
    )
    .option("--field <name=column>", "field mapping, e.g. --field output=answer", collect, [])
    .option("--role <name=role>", "role mapping, e.g. --role bot=assistant", collect, [])
    .option("--seed <n>", "seed for text-label phrasing choice", integer(0), 42);
}

export const registerData: RegisterCommand = (program: Command, app: App) => {
  const data = program.command("data").description("check, describe, render and stage datasets");
  fileOptions(
    data
      .command("validate")
      .description("check every record; problems as FILE:LINE (or FILE[i]): field: problem"),
    "template for length checks",
    "alpaca",
  ).action(app.action(validateFile));
  fileOptions(
    data
      .command("stats")
      .description("records, turns, characters, length percentiles, duplicates, empty fields"),
    "template whose rendering is measured",
    "alpaca",
  )
    .option(
      "--model <base>",
      "also count tokens with this model's tokenizer (hub id, local dir, builtin:tiny)",
    )
    .option("--revision <rev>", "hub revision of --model", "main")
    .option(
      "--max-seq-len <n>",
      "with --model: count records truncated at n tokens",
      integer(1),
      2048,
    )
    .option("--train-on-inputs", "with --model: prompts are trained too (data.train_on_inputs)")
    .action(app.action(statsFile));
  fileOptions(
    data
      .command("render")
      .description("write rendered records (the trainer's JSONL) to stdout or --out"),
    "alpaca | vicuna | chatml | llama3 | tokenizer",
  )
    .option("--out <file>", "write here (atomically) instead of stdout", writableFile)
    .option("--skip-invalid", "leave invalid records out instead of failing")
    .action(app.action(renderFile));
  data
    .command("stage")
    .description("render, fingerprint and upload an experiment's data to datasets/<sha256>/")
    .argument("<config>", "experiment YAML file")
    .option("--set <path=value>", "override a field, e.g. data.eval_split=0.1", collect, [])
    .action(app.action(stage));
  registerGenerate(data, app);
};

function pairs(
  list: string[],
  flag: string,
  bad: (message: string) => Error,
): Record<string, string> | undefined {
  if (!list.length) return undefined;
  const out: Record<string, string> = {};
  for (const item of list) {
    const at = item.indexOf("=");
    if (at <= 0) throw bad(`${flag} ${item}: expected name=value`);
    out[item.slice(0, at)] = item.slice(at + 1);
  }
  return out;
}

async function toOptions(flags: FileFlags): Promise<DataFileOptions> {
  const { UserError } = await import("../../errors/index.js");
  const types = ["auto", "json", "jsonl", "csv", "tsv", "parquet"];
  if (flags.type && !types.includes(flags.type)) {
    throw new UserError(`unknown --type ${flags.type}`, {
      code: "data.unknown_type",
      hint: `use one of ${types.join(", ")}`,
    });
  }
  const bad = (message: string) => new UserError(message, { code: "usage.bad_option" });
  const fields = pairs(flags.field, "--field", bad);
  const roles = pairs(flags.role, "--role", bad);
  return {
    format: flags.format,
    ...(flags.template ? { template: flags.template } : {}),
    ...(flags.type ? { type: flags.type as DataFileOptions["type"] } : {}),
    ...(fields ? { fields } : {}),
    ...(roles ? { roles } : {}),
    seed: flags.seed,
  };
}

async function validateFile(ctx: CommandContext, file: string, flags: FileFlags) {
  const { inspectDataFile } = await import("../../data/index.js");
  const report = await inspectDataFile(file, await toOptions(flags));
  if (ctx.globals.json) {
    ctx.io.json(report);
    return report.valid ? ExitCode.ok : ExitCode.user;
  }
  await printWarnings(ctx, report);
  if (report.stats.records + report.stats.invalid + report.stats.duplicates === 0) {
    const { UserError } = await import("../../errors/index.js");
    throw new UserError(`${file}: the file holds no records`, {
      code: "data.empty",
      hint: "check that it is the file you meant, and that it is not still being written",
    });
  }
  if (!report.valid) {
    const { UserError } = await import("../../errors/index.js");
    const invalid = report.stats.invalid;
    throw new UserError(
      `${file}: ${invalid} invalid record${invalid === 1 ? "" : "s"} of ${invalid + report.stats.records + report.stats.duplicates}`,
      {
        code: "data.invalid",
        problems: report.problems,
      },
    );
  }
  ctx.io.out(
    `${file}: ${report.stats.records} valid ${report.format} records${report.stats.duplicates ? `, ${report.stats.duplicates} duplicates` : ""}`,
  );
  return ExitCode.ok;
}

async function printWarnings(ctx: CommandContext, report: DataFileReport) {
  const { formatProblem } = await import("../../errors/index.js");
  for (const warning of report.warnings) dataWarning.emit(ctx.io, formatProblem(warning), warning);
  for (const d of report.duplicates.slice(0, 5)) {
    dataDuplicate.emit(ctx.io, `${d.where}: duplicate of ${d.first}`, d);
  }
  const more = report.stats.duplicates - Math.min(5, report.duplicates.length);
  if (more > 0) dataDuplicate.emit(ctx.io, `... and ${more} more duplicates`, { more });
}

interface TokenFlags {
  model?: string;
  revision: string;
  maxSeqLen: number;
  trainOnInputs?: boolean;
}

/** --model: the tokenizer, or the reason it is not readable (exit 2 for a path, 3 for the hub). */
async function tokenOptions(flags: TokenFlags): Promise<DataFileOptions["tokens"]> {
  if (!flags.model) return undefined;
  const { loadModelTokenizer } = await import("../../data/index.js");
  const model = await loadModelTokenizer(
    { base: flags.model, revision: flags.revision },
    { env: process.env, cwd: process.cwd() },
  );
  if (model.kind === "unavailable") {
    const { InfraError, UserError } = await import("../../errors/index.js");
    const local = model.source !== "hub";
    const Failure = local ? UserError : InfraError;
    throw new Failure(`--model ${flags.model}: tokenizer not readable: ${model.reason}`, {
      code: "data.tokenizer_unavailable",
      hint: local
        ? "give a directory holding the model's tokenizer.json"
        : "check the network (or HF_ENDPOINT), and HF_TOKEN for a gated model",
    });
  }
  return {
    tokenizer: model.tokenizer,
    name: model.name,
    maxSeqLen: flags.maxSeqLen,
    trainOnInputs: Boolean(flags.trainOnInputs),
  };
}

async function statsFile(ctx: CommandContext, file: string, flags: FileFlags & TokenFlags) {
  const { inspectDataFile } = await import("../../data/index.js");
  const tokens = await tokenOptions(flags);
  const report = await inspectDataFile(file, {
    ...(await toOptions(flags)),
    ...(tokens ? { tokens } : {}),
  });
  if (ctx.globals.json) {
    ctx.io.json({
      file: report.file,
      format: report.format,
      ...report.stats,
      ...(report.tokens ? { tokens: report.tokens } : {}),
    });
    return ExitCode.ok;
  }
  const s = report.stats;
  const t = report.tokens;
  ctx.io.out(
    [
      `${file} (${report.format})`,
      `  records:     ${s.records} valid, ${s.invalid} invalid, ${s.duplicates} duplicates`,
      `  turns:       ${s.turns.total} (max ${s.turns.max} per record, ${s.turns.multi_turn_records} multi-turn records)`,
      `  characters:  ${s.characters.total} (prompt ${s.characters.prompt}, output ${s.characters.output})`,
      `  length:      min ${s.length.min}, p50 ${s.length.p50}, p90 ${s.length.p90}, p99 ${s.length.p99}, max ${s.length.max}, mean ${s.length.mean} chars`,
      `  without:     input ${s.empty_fields.input} records, system prompt ${s.empty_fields.system} records`,
      ...(t
        ? [
            `  tokens:      min ${t.length.min}, p50 ${t.length.p50}, p90 ${t.length.p90}, p99 ${t.length.p99}, max ${t.length.max} per record (${t.tokenizer}), ${t.tokens} after truncation`,
            `  truncated:   ${t.truncated} records longer than ${t.max_seq_len} tokens, ${t.dropped} left without a trained token (dropped)`,
          ]
        : []),
      ...(report.problems.length ? ["  run `tunectl data validate` for the invalid records"] : []),
    ].join("\n"),
  );
  return ExitCode.ok;
}

async function renderFile(
  ctx: CommandContext,
  file: string,
  flags: FileFlags & { out?: string; skipInvalid?: boolean },
) {
  const { renderDataFile } = await import("../../data/index.js");
  const { UserError } = await import("../../errors/index.js");
  if (!flags.template) {
    throw new UserError("data render needs --template", {
      code: "usage.missing_option",
      hint: "e.g. --template alpaca (alpaca, vicuna, chatml, llama3, tokenizer)",
    });
  }
  const options = {
    ...(await toOptions(flags)),
    template: flags.template,
    skipInvalid: Boolean(flags.skipInvalid),
  };
  if (!flags.out) {
    // `| head` closes the pipe early: that is the reader's choice, not a failure
    process.stdout.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE") process.exit(ExitCode.ok);
    });
    await renderDataFile(file, options, (lines) => writeStdout(lines));
    return ExitCode.ok;
  }
  const result = await writeOutputFile("--out", flags.out, (handle) =>
    renderDataFile(file, options, async (lines) => void (await handle.write(lines))),
  );
  dataWritten.emit(ctx.io, `wrote ${result.records} records to ${flags.out}`, {
    file: flags.out,
    records: result.records,
  });
  return ExitCode.ok;
}

/** Honour back-pressure so `| head` and large files do not pile up in memory. */
function writeStdout(text: string | Uint8Array): Promise<void> | void {
  if (process.stdout.write(text)) return;
  return new Promise((resolve) => process.stdout.once("drain", resolve));
}

async function stage(ctx: CommandContext, file: string, options: { set: string[] }) {
  const { loadExperiment, loadWorkspace } = await import("../../config/index.js");
  const { loadModelTokenizer, prepareDataset } = await import("../../data/index.js");
  const { stageForWorkspace } = await import("../../launch/index.js");
  const { createObjectStore } = await import("../../storage/index.js");
  const { join } = await import("node:path");
  const cwd = process.cwd();
  const workspace = await loadWorkspace({
    ...(ctx.globals.workspace ? { dir: ctx.globals.workspace } : {}),
    cwd,
    env: process.env,
  });
  const loaded = await loadExperiment(file, {
    sets: options.set,
    env: process.env,
    workspace,
    cwd,
  });
  // Staging progress is drawn by the io, the same bar as in `run`.
  const reporter = ctx.io;
  // generate: sources first, as `run` does: from the cache, or generated now.
  const { generateSources, planGeneratedSources } = await import("../../generate/index.js");
  const { invalidConfig, displayPath } = await import("../../config/index.js");
  const { systemClock } = await import("../../report/index.js");
  const generation = await planGeneratedSources(loaded, { stateDir: workspace.stateDir, cwd });
  if (generation.problems.length)
    throw invalidConfig(displayPath(loaded.file, cwd), generation.problems);
  const { experiment } = await generateSources(loaded.experiment, generation.plans, {
    reporter,
    clock: systemClock,
    env: process.env,
    signal: ctx.interrupted,
  });
  const prepared = await prepareDataset(experiment, {
    cacheDir: join(workspace.stateDir, "cache", "datasets"),
    reporter,
    storage: workspace.config.storage,
    // Read only when a text-label few_shot source prunes exemplars in the model's tokens.
    get tokenizer() {
      return loadModelTokenizer(experiment.model, { env: process.env, cwd });
    },
  });
  const store = await createObjectStore(workspace.config.storage, {
    root: workspace.root,
    reporter,
  });
  ctx.onClose(() => store.close());
  // The staging `run` does, marker included; asked to stage, it checks the bucket itself.
  const staged = await stageForWorkspace(
    { workspace, reporter, store: async () => store },
    prepared,
    { trustMarker: false },
  );
  const { uri, prefix } = staged.marker;
  if (ctx.globals.json) {
    ctx.io.json({
      fingerprint: prepared.fingerprint,
      uri,
      prefix,
      uploaded: staged.uploaded,
      bytes: staged.bytes,
      records: prepared.records,
      cached: prepared.cached,
    });
    return ExitCode.ok;
  }
  const what = staged.uploaded ? `staged ${formatBytes(staged.bytes)} to` : "already staged at";
  ctx.io.out(
    `${prepared.fingerprint}: ${prepared.records.train} train + ${prepared.records.eval} eval records, ${what} ${uri}`,
  );
  return ExitCode.ok;
}
