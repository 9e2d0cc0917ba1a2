import type { RegisterCommand } from "../app.js";
import { formatAge, renderTable, withNote } from "../table.js";

export const registerPs: RegisterCommand = (program, app) => {
  program
    .command("ps")
    .description("list runs (active ones; --all for every run), reconciled with their hosts")
    .option("-a, --all", "include finished runs")
    .option("--no-reconcile", "do not ask hosts; show the registry as recorded")
    .action(
      app.action(async (ctx, options: { all?: boolean; reconcile: boolean }) => {
        const { isTerminal, runOverview, schedulerNote } = await import("../../runs/index.js");
        const registry = await ctx.registry();
        let all = await registry.list();
        // Only active runs need their hosts asked; a registry of finished runs never loads SSH.
        // (or stopping a trainer left behind an unreachable host, once it answers).
        if (
          options.reconcile &&
          all.some((run) => !isTerminal(run.state) || (run.orphans?.length ?? 0) > 0)
        ) {
          const { reconcileActiveRuns } = await import("../../launch/index.js");
          await reconcileActiveRuns(await ctx.launchDeps());
          all = await registry.list();
        }
        const runs = all.filter((run) => options.all || !isTerminal(run.state));
        const rows = await Promise.all(runs.map((run) => runOverview(registry, run)));
        if (ctx.globals.json) {
          ctx.io.json({ runs: rows });
          return;
        }
        if (rows.length === 0) {
          ctx.io.out(
            options.all ? "no runs yet" : "no active runs (tunectl ps --all lists finished ones)",
          );
          return;
        }
        ctx.io.out(
          renderTable(
            ["RUN", "STATE", "ATTEMPT", "HOST", "GPUS", "STEP", "LOSS", "CREATED"],
            rows.map((row) => [
              row.id,
              row.unreachable_since
                ? `${row.state} (unreachable)`
                : withNote(row.state, schedulerNote(row.scheduler)),
              row.attempt,
              row.host,
              row.gpus.length > 0 ? row.gpus.join(",") : null,
              row.step === null ? null : `${row.step}/${row.total_steps ?? "?"}`,
              row.loss === null ? null : row.loss.toFixed(4),
              formatAge(row.created_at),
            ]),
          ),
        );
      }),
    );
};
