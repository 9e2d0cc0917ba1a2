import type { CommandContext, RegisterCommand } from "../app.js";
import type { EvalResult, EvalTarget } from "../../evaluate/index.js";
import type { RunRecord } from "../../runs/index.js";
import { ExitCode } from "../exit-code.js";
import { evalResultLines } from "./eval-view.js";
import { trainerTargetOf } from "./trainer-target.js";

interface EvalOptions {
  checkpoints: string;
  judge?: string;
  judgeAgainst?: string;
  force?: boolean;
}

const examples = `
Examples:
  tunectl eval last                                   # the best checkpoint (lowest eval loss, else newest)
  tunectl eval my-run --checkpoints all               # every checkpoint on the run's host
  tunectl eval my-run --checkpoints 0,200             # the base model (0) and step 200
  tunectl eval my-run --judge judge.yaml              # and an LLM judge: each answer vs the base model's
  tunectl eval my-run --judge judge.yaml --judge-against other-run

Each checkpoint's eval loss and token accuracy on the run's eval split and its greedy answers
to eval.prompts are computed by the trainer where the checkpoints are (the run's host and
runtime), stored in .tunectl/runs/<id>/evals/ and shown by show and compare. A judge spec:
  endpoint: {base_url: https://api.openai.com/v1, model: gpt-4o-mini, api_key_secret: OPENAI_API_KEY}
  pricing: {input_per_1m_usd: 0.15, output_per_1m_usd: 0.6}
See docs/evaluate.md.`;

/** Where a run's checkpoints are: its latest attempt's host, connected, with its runtime. */
async function targetOf(ctx: CommandContext, run: RunRecord): Promise<EvalTarget> {
  const { neverPlaced } = await import("../../evaluate/index.js");
  const attempt = run.attempts.at(-1);
  if (!attempt?.host || !attempt.host_dir || !attempt.runtime || !run.dataset)
    throw neverPlaced(run.id);
  const target = await trainerTargetOf(
    ctx,
    run,
    { host: attempt.host, host_dir: attempt.host_dir, runtime: attempt.runtime },
    {
      code: "eval.host_unreachable",
      hint: "the trainer's evaluate runs where the checkpoints are: try again once the host answers",
    },
  );
  return { ...target, fingerprint: run.dataset.fingerprint };
}

export const registerEval: RegisterCommand = (program, app) => {
  program
    .command("eval")
    .description(
      "evaluate checkpoints: eval loss, token accuracy, answers to eval.prompts, optionally an LLM judge",
    )
    .argument("<run>", "run id, unique prefix, name, or last")
    .option("--checkpoints <which>", "all, best, or steps like 100,200 (0: the base model)", "best")
    .option("--judge <spec>", "judge each answer pairwise with the LLM of this spec (YAML)")
    .option(
      "--judge-against <run>",
      "what the judge compares with: base (the run's step 0) or another run's best checkpoint",
    )
    .option("--force", "recompute stored results instead of reusing them")
    .addHelpText("after", examples)
    .action(
      app.action(async (ctx, ref: string, options: EvalOptions) => {
        const { evaluateRun, parseCheckpointSelection, loadJudgeSpec } =
          await import("../../evaluate/index.js");
        const { UserError } = await import("../../errors/index.js");
        const { listCheckpoints } = await import("../../monitor/index.js");
        const { hostOfRun } = await import("./checkpoints.js");
        const selection = parseCheckpointSelection(options.checkpoints);
        if (options.judgeAgainst !== undefined && options.judge === undefined) {
          throw new UserError("--judge-against needs --judge SPEC: the judge to ask", {
            code: "usage.bad_option",
            hint: "add --judge judge.yaml (docs/evaluate.md)",
          });
        }
        const registry = await ctx.registry();
        const run = await registry.resolve(ref);
        const judge = options.judge
          ? {
              loaded: await loadJudgeSpec(options.judge, process.cwd(), process.env),
              against:
                options.judgeAgainst === undefined || options.judgeAgainst === "base"
                  ? ("base" as const)
                  : await registry.resolve(options.judgeAgainst),
            }
          : undefined;
        const result: EvalResult = await evaluateRun(
          {
            registry,
            reporter: ctx.io,
            target: (r) => targetOf(ctx, r),
            checkpoints: async (r) => {
              const host = await hostOfRun(ctx, r);
              const listed = await listCheckpoints(registry, r, host ? { host } : {});
              return listed.map((c) => ({
                step: c.step,
                metrics: c.metrics,
                onHost: c.host === true,
              }));
            },
            signal: ctx.interrupted,
          },
          { run, selection, force: Boolean(options.force), ...(judge ? { judge } : {}) },
        );
        if (ctx.globals.json) ctx.io.json(result);
        else ctx.io.out(evalResultLines(result).join("\n"));
        return ExitCode.ok;
      }),
    );
};
