import type { RegisterCommand } from "../app.js";
import { nonNegativeSeconds } from "../option-parsers.js";
import { runCancelling } from "../events.js";

export const registerCancel: RegisterCommand = (program, app) => {
  program
    .command("cancel")
    .description("stop a run: SIGTERM (checkpoint, exit), kill after the grace period")
    .argument("<run>", "run id, unique prefix, name, or last")
    .option("--force", "kill at once, without a final checkpoint")
    .option("--grace <seconds>", "how long the trainer gets to checkpoint", nonNegativeSeconds, 120)
    .action(
      // --grace arrives parsed (nonNegativeSeconds refuses anything else with exit 2)
      app.action(async (ctx, ref: string, options: { force?: boolean; grace: number }) => {
        const { cancelRun } = await import("../../launch/index.js");
        const run = await (await ctx.registry()).resolve(ref);
        runCancelling.emit(ctx.io, `cancelling ${run.id}`, { run: run.id });
        const final = await cancelRun(await ctx.launchDeps(), run.id, {
          force: Boolean(options.force),
          graceMs: options.grace * 1000,
        });
        if (ctx.globals.json) ctx.io.json({ run: final.id, state: final.state });
        else ctx.io.out(`${final.id} ${final.state}`);
        return 0;
      }),
    );
};
