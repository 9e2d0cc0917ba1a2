import type { RegisterCommand } from "../app.js";
import { positiveSeconds } from "../option-parsers.js";
import { formatAge, renderTable, withNote } from "../table.js";

export const registerWatch: RegisterCommand = (program, app) => {
  program
    .command("watch")
    .description(
      "live table of active runs; streams them and applies their retry policy until Ctrl-C",
    )
    .option("--interval <seconds>", "refresh interval", positiveSeconds, 5)
    .action(
      // --interval arrives parsed (positiveSeconds refuses anything else with exit 2)
      app.action(async (ctx, options: { interval: number }) => {
        const { superviseRuns } = await import("../../launch/index.js");
        const { isTerminal, runOverview, schedulerNote } = await import("../../runs/index.js");
        const deps = await ctx.launchDeps();
        const registry = deps.registry;
        const intervalMs = options.interval * 1000;
        // Every supervisor event is reported; on a TTY the table owns the screen, so only
        // warnings and errors are shown between redraws (all of them go to --json and -v).
        const reporter = {
          emit(event: Parameters<typeof ctx.io.emit>[0]) {
            const quietTable = ctx.io.isTTY && !ctx.globals.json && !ctx.globals.verbose;
            if (!quietTable || event.level === "warn" || event.level === "error")
              ctx.io.emit(event);
          },
        };
        const supervisor = superviseRuns(
          { ...deps, reporter },
          { signal: ctx.interrupted, intervalMs },
        );
        while (!ctx.interrupted.aborted) {
          const followed = supervisor.followed;
          const active = (await registry.list()).filter(
            (run) => !isTerminal(run.state) || followed.has(run.id),
          );
          const rows = await Promise.all(active.map((run) => runOverview(registry, run)));
          if (ctx.globals.json) {
            ctx.io.out(JSON.stringify({ type: "runs", ts: new Date().toISOString(), runs: rows }));
          } else {
            const table = renderTable(
              ["RUN", "STATE", "ATTEMPT", "HOST", "STEP", "LOSS", "UPDATED"],
              rows.map((row) => [
                row.id,
                row.unreachable_since
                  ? `${row.state} (unreachable since ${row.unreachable_since})`
                  : withNote(row.state, schedulerNote(row.scheduler)),
                row.attempt,
                row.host,
                row.step === null ? null : `${row.step}/${row.total_steps ?? "?"}`,
                row.loss === null ? null : row.loss.toFixed(4),
                formatAge(row.updated_at),
              ]),
            );
            if (ctx.io.stdoutLive) process.stdout.write("\x1b[H\x1b[2J");
            ctx.io.out(
              `${new Date().toISOString()}  ${rows.length} active run(s)  (Ctrl-C to stop watching)\n${table}`,
            );
          }
          await deps.clock.sleep(intervalMs, ctx.interrupted);
        }
        await supervisor.done;
        return 0;
      }),
    );
};
