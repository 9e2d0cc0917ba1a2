import type { RegisterCommand } from "../app.js";
import { positiveSeconds } from "../option-parsers.js";
import { formatAge, renderTable } from "../table.js";

export const registerWatch: RegisterCommand = (program, app) => {
  program
    .command("watch")
    .description(
      "live table of active runs; streams them and applies their retry policy until Ctrl-C",
    )
    .option("--interval <seconds>", "refresh interval", positiveSeconds, 5)
    .action(
      app.action(async (ctx, options: { interval: string }) => {
        const { followRun } = await import("../../launch/index.js");
        const { isTerminal, runOverview } = await import("../../runs/index.js");
        const deps = await ctx.launchDeps();
        const registry = deps.registry;
        const followed = new Map<string, Promise<unknown>>();
        const intervalMs = Math.max(1, Number(options.interval) || 5) * 1000;
        // Followers report through the context; keep the table readable on a TTY.
        const quietDeps = { ...deps, reporter: { emit: () => {} } };
        while (!ctx.interrupted.aborted) {
          const runs = await registry.list();
          for (const run of runs) {
            if (isTerminal(run.state) || followed.has(run.id)) continue;
            followed.set(
              run.id,
              followRun(quietDeps, run.id, { signal: ctx.interrupted })
                .catch(() => undefined)
                .finally(() => followed.delete(run.id)),
            );
          }
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
                  : row.state,
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
        await Promise.allSettled(followed.values());
        return 0;
      }),
    );
};
