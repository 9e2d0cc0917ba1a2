import type { RegisterCommand } from "../app.js";
import { runResumed } from "../events.js";
import { followInTerminal } from "../follow-view.js";
import { positiveInteger } from "../option-parsers.js";

export const registerResume: RegisterCommand = (program, app) => {
  program
    .command("resume")
    .description("continue a failed, cancelled or lost run from its last complete checkpoint")
    .argument("<run>", "run id, unique prefix, name, or last")
    .option("--host <name>", "resume on this host (the checkpoint is brought there)")
    .option(
      "--from <step>",
      "resume from this checkpoint step instead of the newest",
      positiveInteger,
    )
    .option("-d, --detach", "return once the trainer runs")
    .action(
      app.action(
        // --from arrives parsed (positiveInteger refuses anything else with exit 2)
        async (ctx, ref: string, options: { host?: string; from?: number; detach?: boolean }) => {
          const fromStep = options.from;
          const { resumeRun } = await import("../../launch/index.js");
          const run = await (await ctx.registry()).resolve(ref);
          const resumed = await resumeRun(await ctx.launchDeps(), {
            runId: run.id,
            ...(options.host ? { host: options.host } : {}),
            ...(fromStep !== undefined ? { fromStep } : {}),
          });
          const attempt = resumed.attempts.at(-1)!;
          const from = attempt.resume_from ? `step ${attempt.resume_from.step}` : "step 0";
          if (resumed.state !== "running") return followInTerminal(ctx, resumed.id);
          if (options.detach) {
            if (ctx.globals.json)
              ctx.io.json({
                run: resumed.id,
                attempt: attempt.n,
                state: resumed.state,
                host: attempt.host,
              });
            else
              ctx.io.out(
                `${resumed.id} attempt ${attempt.n} running on ${attempt.host} from ${from}`,
              );
            return 0;
          }
          runResumed.emit(
            ctx.io,
            `run ${resumed.id} attempt ${attempt.n} running on ${attempt.host} from ${from}; Ctrl-C detaches`,
            { run: resumed.id, attempt: attempt.n, host: attempt.host ?? "" },
          );
          return followInTerminal(ctx, resumed.id);
        },
      ),
    );
};
