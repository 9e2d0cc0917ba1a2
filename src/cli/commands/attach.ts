import type { RegisterCommand } from "../app.js";
import { followInTerminal } from "../follow-view.js";

export const registerAttach: RegisterCommand = (program, app) => {
  program
    .command("attach")
    .description("follow a run's logs, metrics and checkpoints until it ends (Ctrl-C detaches)")
    .argument("<run>", "run id, unique prefix, name, or last")
    .action(
      app.action(async (ctx, ref: string) => {
        const run = await (await ctx.registry()).resolve(ref);
        return followInTerminal(ctx, run.id);
      }),
    );
};
