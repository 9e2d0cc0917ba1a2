import type { Command } from "commander";
import type { GenerateSpec } from "../../generate/index.js";
import type { App, CommandContext } from "../app.js";
import { ExitCode } from "../exit-code.js";

const examples = `
Examples:
  tunectl data generate gen.yaml              generate, resuming from the journal if one exists
  tunectl data generate gen.yaml --dry-run    requests, tokens and cost it would take; sends nothing
  tunectl data validate data/generated.jsonl --format alpaca

A spec (docs/generate.md):
  mode: alpaca                  # or self-instruct; answer and evol: docs/generate.md
  endpoint: {base_url: https://api.openai.com/v1, model: gpt-4o-mini, api_key_secret: OPENAI_API_KEY}
  seeds: seed_tasks.jsonl
  num_instructions: 1000
  output: data/generated.jsonl
  budget: {max_cost_usd: 5}
  pricing: {input_per_1m_usd: 0.15, output_per_1m_usd: 0.6}

A budget reached stops cleanly: requests in flight finish, the records so far are written, exit 0.`;

export function registerGenerate(data: Command, app: App): void {
  data
    .command("generate")
    .description(
      "instruction data with an LLM (Alpaca, Self-Instruct, Evol-Instruct recipes; answers for instructions)",
    )
    .argument("<spec>", "generate spec YAML file")
    .option("--dry-run", "print the estimated requests, tokens and cost; send nothing")
    .addHelpText("after", examples)
    .action(app.action(generate));
}

async function generate(ctx: CommandContext, file: string, flags: { dryRun?: boolean }) {
  const { loadGenerateSpec, readSeedTasks } = await import("../../generate/index.js");
  const cwd = process.cwd();
  const loaded = await loadGenerateSpec(file, cwd);
  const seeds = await readSeedTasks(loaded, cwd);
  if (flags.dryRun) {
    const { estimateGeneration } = await import("../../generate/index.js");
    const estimate = await estimateGeneration(loaded, seeds);
    if (ctx.globals.json) {
      ctx.io.json(estimate);
      return ExitCode.ok;
    }
    ctx.io.out(
      [
        `${loaded.shown}: ${loaded.spec.mode}, ${asked(loaded.spec, seeds.length)} (dry run: nothing sent)`,
        `  requests:       ~${estimate.requests}${estimate.journaled ? ` (${estimate.journaled} already in the journal)` : ""}`,
        `  input tokens:   ~${estimate.input_tokens}`,
        `  output tokens:  at most ${estimate.max_output_tokens}`,
        `  cost:           at most $${estimate.max_cost_usd.toFixed(4)}`,
        `  assuming:       ${estimate.assumptions}`,
      ].join("\n"),
    );
    return ExitCode.ok;
  }
  const { generateData } = await import("../../generate/index.js");
  const { systemClock } = await import("../../report/index.js");
  const result = await generateData(loaded, seeds, {
    reporter: ctx.io,
    clock: systemClock,
    env: process.env,
    signal: ctx.interrupted,
  });
  const m = result.manifest;
  if (ctx.globals.json) {
    ctx.io.json({ output: result.output, up_to_date: result.upToDate, sent: result.sent, ...m });
    return ExitCode.ok;
  }
  const of = "num_instructions" in loaded.spec ? ` of ${loaded.spec.num_instructions}` : " records";
  const stopped = m.stopped ? ` (stopped at ${m.stopped}: ${m.records}${of})` : "";
  ctx.io.out(
    [
      `${result.upToDate ? "up to date" : "wrote"}: ${m.records} records in ${loaded.spec.output}${stopped}`,
      `  requests: ${m.requests} (${result.sent} sent now)  tokens: ${m.tokens.input} in, ${m.tokens.output} out  cost: $${m.cost_usd.toFixed(4)}`,
      ...(result.upToDate ? [] : [`  journal: ${result.journal}`]),
    ].join("\n"),
  );
  return ExitCode.ok;
}

function asked(spec: GenerateSpec, sources: number): string {
  const taken = Math.min(sources, "max_records" in spec ? (spec.max_records ?? sources) : sources);
  switch (spec.mode) {
    case "answer":
      return `answers for ${taken} instructions`;
    case "evol":
      return `${spec.rounds} rounds of evolution from ${taken} seed instructions`;
    default:
      return `${spec.num_instructions} records from ${sources} seed tasks`;
  }
}
