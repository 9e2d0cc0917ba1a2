import type { RegisterCommand } from "../app.js";
import { hostOfRun } from "./checkpoints.js";

export const registerSync: RegisterCommand = (program, app) => {
  program
    .command("sync")
    .description(
      "catch a run up now: logs and metrics from the host, checkpoints, and the bucket mirror",
    )
    .argument("<run>", "run id, unique prefix, name, or last")
    .option("--force", "upload every registry file to the bucket, changed or not")
    .action(
      app.action(async (ctx, ref: string, options: { force?: boolean }) => {
        const { catchUpRun } = await import("../../monitor/index.js");
        const registry = await ctx.registry();
        const run = await registry.resolve(ref);
        const host = await hostOfRun(ctx, run);
        const result = await catchUpRun(registry, run, {
          ...(host ? { host } : {}),
          store: await ctx.store(),
          reporter: ctx.io,
          force: Boolean(options.force),
        });
        if (ctx.globals.json) {
          ctx.io.json({ run: run.id, ...result });
          return 0;
        }
        const lines = [`run ${run.id}`];
        if (result.streams) {
          lines.push(
            `  streams: metrics ${result.streams.metrics} bytes, log ${result.streams.log} bytes copied`,
          );
        } else
          lines.push("  streams: not caught up (no host reached, or another tunectl streams it)");
        const c = result.checkpoints;
        if (c) {
          lines.push(
            `  checkpoints: ${c.pulled.length} pulled, ${c.uploaded.length} uploaded, ${c.removed.length} removed, ${c.refused.length} refused`,
          );
          for (const error of c.errors) lines.push(`  ${error.code}: ${error.message}`);
        }
        if (result.tensorboard?.copied.length) {
          lines.push(
            `  tensorboard: ${result.tensorboard.copied.length} event file(s) copied home`,
          );
        }
        lines.push(`  bucket: ${result.mirrored.length} registry file(s) uploaded`);
        ctx.io.out(lines.join("\n"));
        return 0;
      }),
    );
};
