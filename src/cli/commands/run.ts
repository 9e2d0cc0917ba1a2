import type { RegisterCommand } from "../app.js";
import { runDetached, runStarted } from "../events.js";
import { followInTerminal } from "../follow-view.js";
import { withRunLog } from "../run-log.js";

const collect = (value: string, previous: string[]) => [...previous, value];

export const registerRun: RegisterCommand = (program, app) => {
  program
    .command("run")
    .description("validate, stage, place and start an experiment, then follow it (Ctrl-C detaches)")
    .argument("<config>", "experiment YAML file")
    .option("--set <path=value>", "override a config field (repeatable)", collect, [])
    .option("--host <name>", "run on this host")
    .option("--name <name>", "run name (default: the experiment's name)")
    .option("-d, --detach", "return once the trainer runs")
    .option("--dry-run", "print the plan; create, lease and start nothing")
    .action(
      app.action(
        async (
          ctx,
          config: string,
          options: {
            set: string[];
            host?: string;
            name?: string;
            detach?: boolean;
            dryRun?: boolean;
          },
        ) => {
          const { runCreated, startRun } = await import("../../launch/index.js");
          const { describeTokens } = await import("../../data/index.js");
          const deps = await ctx.launchDeps();
          const reporter = withRunLog(ctx.io, (id) => deps.registry.paths(id).logs, runCreated);
          const result = await startRun(
            {
              file: config,
              sets: options.set,
              ...(options.host ? { host: options.host } : {}),
              ...(options.name ? { name: options.name } : {}),
              dryRun: Boolean(options.dryRun),
            },
            { ...deps, reporter },
          );
          if (result.kind === "plan") {
            const { plan } = result;
            if (ctx.globals.json) {
              ctx.io.json({ plan });
              return 0;
            }
            ctx.io.out(
              [
                `plan for ${plan.name} (dry run: nothing created)`,
                `  host     ${plan.host} (${plan.runtime})`,
                `  gpus     ${plan.gpus.length > 0 ? plan.gpus.join(",") : "none"}`,
                `  image    ${plan.image}`,
                `  model    ${plan.model}`,
                ...(plan.generate ?? []).map(
                  (g) =>
                    `  generate ${g.source} (${g.spec}): would run first, ~${g.requests} requests${g.journaled ? ` (${g.journaled} in the journal)` : ""}, ~${g.input_tokens} input tokens, at most ${g.max_output_tokens} output tokens, at most $${g.max_cost_usd.toFixed(4)} (nothing sent)`,
                ),
                plan.dataset
                  ? `  dataset  ${plan.dataset.fingerprint} (${plan.dataset.train_records} train, ${plan.dataset.eval_records} eval records)`
                  : "  dataset  rendered after generation",
                ...Object.entries(plan.tokens ?? {}).map(
                  ([split, stats]) => `  tokens   ${split}: ${describeTokens(stats)}`,
                ),
                `  command  ${plan.command.join(" ")}`,
                ...(plan.batch_script
                  ? ["  batch script (sbatch; nothing submitted):", "", plan.batch_script]
                  : []),
              ].join("\n"),
            );
            return 0;
          }
          const { run } = result;
          const attempt = run.attempts.at(-1)!;
          // Cancelled while it was being launched: say how it ended (exit 4), never "running".
          if (run.state !== "running") return followInTerminal(ctx, run.id);
          if (options.detach) {
            if (ctx.globals.json)
              ctx.io.json({ run: run.id, state: run.state, host: attempt.host });
            else {
              ctx.io.out(run.id);
              runDetached.emit(
                ctx.io,
                `running on ${attempt.host}; follow with: tunectl attach ${run.id}`,
                { run: run.id, host: attempt.host ?? "" },
              );
            }
            return 0;
          }
          runStarted.emit(
            ctx.io,
            `run ${run.id} running on ${attempt.host}; Ctrl-C detaches (it keeps running)`,
            { run: run.id, host: attempt.host ?? "" },
          );
          return followInTerminal(ctx, run.id);
        },
      ),
    );
};
