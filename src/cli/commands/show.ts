import type { RegisterCommand } from "../app.js";
import { renderTable, withNote } from "../table.js";
import { evalSection } from "./eval-view.js";
import { generationsBlock } from "./show-generations.js";

export const registerShow: RegisterCommand = (program, app) => {
  program
    .command("show")
    .description("a run's record: attempts, metric summary, checkpoints, config")
    .argument("<run>", "run id, unique prefix, name, or last")
    .option("--config", "also print the fully resolved experiment")
    .action(
      app.action(async (ctx, ref: string, options: { config?: boolean }) => {
        const { parse } = await import("yaml");
        const { schedulerNote } = await import("../../runs/index.js");
        const registry = await ctx.registry();
        const run = await registry.resolve(ref);
        const configYaml = await registry.configYaml(run.id);
        const events = await registry.events(run.id);
        const { summarizeRun, renderSummary, readRunGenerations } =
          await import("../../compare/index.js");
        const { listCheckpoints } = await import("../../monitor/index.js");
        const summary = await summarizeRun(registry, run);
        const checkpoints = await listCheckpoints(registry, run);
        const generations = await readRunGenerations(registry.paths(run.id).generations);
        const { readEvalRecords, readJudgeRecords } = await import("../../evaluate/index.js");
        const runDir = registry.paths(run.id).dir;
        const evals = {
          checkpoints: await readEvalRecords(runDir),
          judge: await readJudgeRecords(runDir),
        };
        if (ctx.globals.json) {
          const config = parse(configYaml) as unknown;
          ctx.io.json({ run, summary, checkpoints, generations, evals, config, events });
          return;
        }
        const lines = [
          `run ${run.id}  ${run.state}`,
          `  name        ${run.name}${run.description ? ` — ${run.description}` : ""}`,
          `  experiment  ${run.experiment_file ?? "-"}`,
          `  created     ${run.created_at}`,
          `  model       ${run.model}`,
          `  image       ${run.image}`,
          `  dataset     ${run.dataset ? `${run.dataset.fingerprint} (${run.dataset.train_records} train, ${run.dataset.eval_records} eval)` : "-"}`,
          "",
          renderTable(
            [
              "ATTEMPT",
              "STATE",
              "WHY",
              "HOST",
              "GPUS",
              "STARTED",
              "ENDED",
              "EXIT",
              "STEP",
              "ERROR",
            ],
            run.attempts.map((attempt) => [
              attempt.n,
              withNote(attempt.state, schedulerNote(attempt.scheduler)),
              attempt.resume_from
                ? `${attempt.reason} from ${attempt.resume_from.step}`
                : attempt.reason,
              attempt.host === undefined
                ? null
                : attempt.runtime === "slurm" && attempt.handle
                  ? `${attempt.host} (slurm job ${attempt.handle})`
                  : attempt.host,
              (attempt.gpus ?? []).length > 0 ? attempt.gpus!.join(",") : null,
              attempt.started_at ?? null,
              attempt.ended_at ?? null,
              attempt.exit_code ?? null,
              attempt.final_step ?? null,
              attempt.error ? `${attempt.error.code}: ${attempt.error.message}` : null,
            ]),
          ),
        ];
        lines.push("", renderSummary(summary), ...(await trainerDataLines(registry, run.id)));
        if (checkpoints.length > 0) {
          lines.push(
            "",
            renderTable(
              ["CHECKPOINT", "LOSS", "EVAL LOSS", "SIZE", "LOCAL"],
              checkpoints.map((checkpoint) => [
                `step-${checkpoint.step}`,
                metricText(checkpoint.metrics.loss),
                metricText(checkpoint.metrics.eval_loss),
                `${(checkpoint.size / 1024).toFixed(0)} KiB`,
                checkpoint.local ? "yes" : "no",
              ]),
            ),
          );
        }
        lines.push(...generationsBlock(generations));
        lines.push(...evalSection(evals.checkpoints, evals.judge));
        ctx.io.out(lines.join("\n"));
        if (options.config) ctx.io.out(`\n${configYaml}`);
      }),
    );
};

/** The trainer's own counts of the data its latest attempt read (`kind: data` metric lines). */
async function trainerDataLines(
  registry: { paths(id: string): { metrics: string } },
  runId: string,
): Promise<string[]> {
  const { readRunMetrics } = await import("../../runs/index.js");
  const { latestDataLines, renderDataLine } = await import("../../monitor/index.js");
  const lines = latestDataLines(await readRunMetrics(registry.paths(runId).metrics));
  return lines.length ? ["", ...lines.map((line) => renderDataLine(line) ?? "")] : [];
}

const metricText = (value: unknown) => (typeof value === "number" ? value.toFixed(4) : null);
