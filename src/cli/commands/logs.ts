import type { RegisterCommand } from "../app.js";
import { count, positiveInteger } from "../option-parsers.js";
import { hostOfRun } from "./checkpoints.js";

interface LogsOptions {
  follow?: boolean;
  tail?: number;
  attempt?: number;
}

export const registerLogs: RegisterCommand = (program, app) => {
  program
    .command("logs")
    .description("a run's trainer log from the local copy; -f follows it live")
    .argument("<run>", "run id, unique prefix, name, or last")
    .option("-f, --follow", "keep printing as the log grows, until the run ends (Ctrl-C stops)")
    .option("--tail <n>", "only the last N lines", count)
    .option("--attempt <n>", "an earlier attempt's log (default: the latest)", positiveInteger)
    .action(
      app.action(async (ctx, ref: string, options: LogsOptions) => {
        const { UserError } = await import("../../errors/index.js");
        const { followFile, readLastLines, RunStreamer } = await import("../../monitor/index.js");
        const { isTerminal } = await import("../../runs/index.js");
        const registry = await ctx.registry();
        let run = await registry.resolve(ref);
        const latest = run.attempts[run.attempts.length - 1]!;
        const n = options.attempt ?? latest.n;
        const attempt = run.attempts.find((a) => a.n === n);
        if (!attempt) {
          throw new UserError(`run ${run.id} has no attempt ${options.attempt}`, {
            code: "logs.no_attempt",
            hint: `attempts: 1..${run.attempts.length}`,
          });
        }
        const file = registry.paths(run.id).attemptLog(n);
        const write = (text: string | Buffer) => {
          if (text.length > 0) process.stdout.write(text);
        };
        const tail = options.tail ?? Number.MAX_SAFE_INTEGER;
        const { text, end } = await readLastLines(file, tail);
        write(text);
        if (!options.follow || isTerminal(run.state) || n !== latest.n) return 0;

        // Nobody may be streaming this attempt (a detached run): stream it ourselves. When
        // another tunectl already does, start() says so and we only read the local file.
        const host = attempt.host_dir ? await hostOfRun(ctx, run) : undefined;
        const streamer =
          host && attempt.host_dir
            ? new RunStreamer({
                registry,
                runId: run.id,
                attempt: n,
                host,
                hostDir: attempt.host_dir,
                reporter: ctx.io,
              })
            : undefined;
        const streaming = streamer ? await streamer.start() : false;
        const stop = new AbortController();
        ctx.interrupted.addEventListener("abort", () => stop.abort(), { once: true });
        const watcher = (async () => {
          while (!stop.signal.aborted) {
            await new Promise((resolve) => setTimeout(resolve, 2_000));
            run = await registry.get(run.id);
            if (isTerminal(run.state) || run.attempts.length !== latest.n) {
              if (streaming) await streamer!.stop({ drain: true });
              stop.abort();
            }
          }
        })();
        await followFile(file, end, write, { signal: stop.signal });
        if (streaming && ctx.interrupted.aborted) await streamer!.stop({ drain: false });
        await watcher;
        return 0;
      }),
    );
};
