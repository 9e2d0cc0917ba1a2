import { UserError } from "../../errors/index.js";
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
      app.action(async (ctx, ref: string, options: { force?: boolean; grace: string }) => {
        const graceS = Number(options.grace);
        if (options.grace.trim() === "" || !Number.isFinite(graceS) || graceS < 0) {
          throw new UserError(`--grace ${options.grace}: not a number of seconds`, {
            code: "usage.bad_grace",
            hint: "give the seconds the trainer gets to checkpoint, e.g. --grace 120 (0 kills at once)",
          });
        }
        const { cancelRun } = await import("../../launch/index.js");
        const run = await (await ctx.registry()).resolve(ref);
        runCancelling.emit(ctx.io, `cancelling ${run.id}`, { run: run.id });
        const final = await cancelRun(await ctx.launchDeps(), run.id, {
          force: Boolean(options.force),
          graceMs: graceS * 1000,
        });
        if (ctx.globals.json) ctx.io.json({ run: final.id, state: final.state });
        else ctx.io.out(`${final.id} ${final.state}`);
        return 0;
      }),
    );
};
