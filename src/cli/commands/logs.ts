import type { RegisterCommand } from "../app.js";
import { count, positiveInteger } from "../option-parsers.js";

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
        const { followFile, readLastLines } = await import("../../monitor/index.js");
        const { isTerminal } = await import("../../runs/index.js");
        const registry = await ctx.registry();
        const run = await registry.resolve(ref);
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

        // Followed as `attach` follows it (the same streamer, settled the same way, ended with
        // the attempt); the local copy is printed as it grows, whoever streams it.
        const { followRun } = await import("../../launch/index.js");
        const printed = new AbortController();
        const printing = followFile(file, end, write, { signal: printed.signal });
        try {
          await followRun(await ctx.launchDeps(), run.id, {
            supervise: false,
            signal: ctx.interrupted,
          });
        } catch (error) {
          if (!ctx.interrupted.aborted) throw error;
        } finally {
          printed.abort();
          await printing; // one last read: the bytes the final catch-up brought
        }
        return 0;
      }),
    );
};
