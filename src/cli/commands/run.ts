import type { RegisterCommand } from "../app.js";
import { followInTerminal } from "../follow-view.js";

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
          const { startRun } = await import("../../launch/index.js");
          const deps = await ctx.launchDeps();
          // Every event of this command also goes to the run's own log file, once it exists.
          const reporter = {
            emit(event: Parameters<typeof ctx.io.emit>[0]) {
              if (event.code === "run.created" && typeof event.data?.run === "string") {
                ctx.io.logToFile(`${deps.registry.paths(event.data.run).logs}/tunectl.log`);
              }
              ctx.io.emit(event);
            },
          };
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
                `  dataset  ${plan.dataset.fingerprint} (${plan.dataset.train_records} train, ${plan.dataset.eval_records} eval records)`,
                `  command  ${plan.command.join(" ")}`,
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
              ctx.io.emit({
                level: "info",
                code: "run.detached",
                message: `running on ${attempt.host}; follow with: tunectl attach ${run.id}`,
              });
            }
            return 0;
          }
          ctx.io.emit({
            level: "info",
            code: "run.started",
            message: `run ${run.id} running on ${attempt.host}; Ctrl-C detaches (it keeps running)`,
          });
          return followInTerminal(ctx, run.id);
        },
      ),
    );
};
