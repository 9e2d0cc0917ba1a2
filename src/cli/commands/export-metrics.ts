import { Option } from "commander";
import type { RegisterCommand } from "../app.js";
import { ExitCode } from "../exit-code.js";

interface ExportMetricsOptions {
  format: "csv" | "tensorboard";
  out?: string;
}

export const registerExportMetrics: RegisterCommand = (program, app) => {
  program
    .command("export-metrics")
    .description("a run's metrics for other tools: CSV, or TensorBoard event files")
    .argument("<run>", "run id, unique prefix, name, or last")
    .addOption(
      new Option("--format <format>", "csv or tensorboard")
        .choices(["csv", "tensorboard"])
        .makeOptionMandatory(),
    )
    .option(
      "--out <path>",
      "csv: a file (default stdout); tensorboard: a directory (default .tunectl/runs/RUN/tensorboard)",
    )
    .addHelpText(
      "after",
      "\nExamples:\n  tunectl export-metrics last --format csv > metrics.csv\n" +
        "  tunectl export-metrics last --format tensorboard && tensorboard --logdir .tunectl/runs\n" +
        "\nSteps a resumed attempt went back over appear once, as in show and compare.",
    )
    .action(
      app.action(async (ctx, ref: string, options: ExportMetricsOptions) => {
        const { mkdir } = await import("node:fs/promises");
        const path = await import("node:path");
        const { readRunMetrics, writeFileAtomic } = await import("../../runs/index.js");
        const registry = await ctx.registry();
        const run = await registry.resolve(ref);
        const lines = await readRunMetrics(registry.paths(run.id).metrics);
        const { metricsCsv, tensorboardEvents } = await import("../metrics-export/index.js");
        if (options.format === "csv") {
          const text = metricsCsv(lines);
          if (options.out) await writeFileAtomic(options.out, text);
          else ctx.io.out(text.trimEnd());
          return ExitCode.ok;
        }
        const dir = options.out ?? path.join(registry.paths(run.id).dir, "tensorboard");
        const startedAt = Date.parse(run.created_at) / 1000;
        await mkdir(dir, { recursive: true });
        const file = path.join(dir, `events.out.tfevents.${Math.floor(startedAt)}.tunectl`);
        await writeFileAtomic(file, tensorboardEvents(lines, startedAt));
        if (ctx.globals.json) ctx.io.json({ run: run.id, file, lines: lines.length });
        else ctx.io.out(`${file} (${lines.length} metric lines)`);
        return ExitCode.ok;
      }),
    );
};
