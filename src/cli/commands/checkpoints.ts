import type { CheckpointListing, MonitorHost } from "../../monitor/index.js";
import type { RegisterCommand } from "../app.js";
import type { CommandContext } from "../app.js";
import { checkpointsHostUnavailable } from "../events.js";
import type { RunRecord } from "../../runs/index.js";
import { renderTable } from "../table.js";

/** The host of the run's latest attempt, or undefined when it has none or does not answer in time. */
export async function hostOfRun(
  ctx: CommandContext,
  run: RunRecord,
  timeoutMs = 10_000,
): Promise<MonitorHost | undefined> {
  const name = run.attempts[run.attempts.length - 1]?.host;
  if (!name) return undefined;
  const pool = await ctx.hosts();
  const connect = pool.get(name);
  connect.catch(() => {});
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), timeoutMs);
  });
  try {
    return await Promise.race([connect, late]);
  } catch (error) {
    checkpointsHostUnavailable.emit(ctx.io, `${name}: ${(error as Error).message}`, {
      host: name,
    });
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

function size(bytes: number): string {
  if (bytes >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
  if (bytes >= 2 ** 20) return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

function table(rows: CheckpointListing[]): string {
  const metric = (row: CheckpointListing, name: string) =>
    typeof row.metrics[name] === "number" ? (row.metrics[name] as number).toFixed(4) : null;
  const yes = (value: boolean | null) => (value === null ? "?" : value ? "yes" : "no");
  return renderTable(
    ["STEP", "SIZE", "LOSS", "EVAL_LOSS", "LOCAL", "BUCKET", "HOST"],
    rows.map((row) => [
      row.step,
      size(row.size),
      metric(row, "loss"),
      metric(row, "eval_loss"),
      yes(row.local),
      yes(row.bucket),
      yes(row.host),
    ]),
  );
}

export const registerCheckpoints: RegisterCommand = (program, app) => {
  program
    .command("checkpoints")
    .description(
      "a run's checkpoints: step, metrics, size, and where each copy is (host, local, bucket)",
    )
    .argument("<run>", "run id, unique prefix, name, or last")
    .action(
      app.action(async (ctx, ref: string) => {
        const { listCheckpoints } = await import("../../monitor/index.js");
        const registry = await ctx.registry();
        const run = await registry.resolve(ref);
        const host = await hostOfRun(ctx, run);
        const rows = await listCheckpoints(registry, run, {
          ...(host ? { host } : {}),
          store: await ctx.store(),
        });
        if (ctx.globals.json) ctx.io.json(rows);
        else ctx.io.out(rows.length > 0 ? table(rows) : `run ${run.id} has no checkpoints yet`);
        return 0;
      }),
    );
};
