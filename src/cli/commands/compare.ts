import { Option, type Command } from "commander";
import type { App, CommandContext, RegisterCommand } from "../app.js";
import { writableFile } from "../option-parsers.js";
import { writeOutputFile } from "../output-file.js";
import { compareHtmlWritten } from "../events.js";

interface CompareFlags {
  html?: string;
  metric?: string;
  align: "step" | "tokens";
  all?: boolean;
  chart?: boolean;
}

export const registerCompare: RegisterCommand = (program: Command, app: App) => {
  program
    .command("compare")
    .description("compare runs: config diff, metric summaries, overlaid loss curves")
    .argument("<runs...>", "two or more runs: id prefix, name, last or last~N")
    .option("--html <file>", "also write a self-contained HTML report to FILE", writableFile)
    .option("--metric <name>", "chart this metric (any numeric field of the metric lines)")
    .addOption(
      new Option("--align <axis>", "line runs up by step or by tokens seen")
        .choices(["step", "tokens"])
        .default("step"),
    )
    .option("--all", "show every config key, not only those that differ")
    .option("--chart", "draw the terminal chart even when stdout is not a terminal")
    .action(app.action(compare));
};

async function compare(ctx: CommandContext, refs: string[], flags: CompareFlags) {
  const { compareRuns, renderComparison, renderHtmlReport } =
    await import("../../compare/index.js");
  const report = await compareRuns(await ctx.registry(), refs, {
    metric: flags.metric,
    align: flags.align,
    all: flags.all === true,
  });
  if (flags.html !== undefined) {
    const html = renderHtmlReport(report);
    await writeOutputFile("--html", flags.html, (handle) => handle.writeFile(html));
    compareHtmlWritten.emit(ctx.io, `wrote ${flags.html}`, { file: flags.html });
  }
  if (ctx.globals.json) {
    ctx.io.json(report);
    return;
  }
  const stdoutTTY = ctx.io.stdoutLive;
  ctx.io.out(
    renderComparison(report, {
      chart: stdoutTTY || flags.chart === true,
      color: ctx.io.stdoutColor,
      width: ctx.io.stdoutWidth,
      metric: flags.metric,
    }),
  );
}
