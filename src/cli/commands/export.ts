import path from "node:path";
import type { CommandContext, RegisterCommand } from "../app.js";
import type { RunRecord } from "../../runs/index.js";
import { ExitCode } from "../exit-code.js";
import { positiveInteger } from "../option-parsers.js";
import { hostOfRun } from "./checkpoints.js";
import { trainerTargetOf } from "./trainer-target.js";

interface ExportOptions {
  checkpoint?: number;
  merge?: boolean;
  out: string;
  force?: boolean;
  onHost?: boolean;
}

const examples = `
Examples:
  tunectl export last --out ./adapter                 # PEFT adapter + tokenizer (best eval loss, else newest)
  tunectl export last --checkpoint 200 --merge --out ./merged   # full weights: AutoModelForCausalLM.from_pretrained
  tunectl export my-run --merge --out ./merged --on-host        # merge on the run's GPU host, copy the result here

Without --merge DIR holds adapter_config.json, adapter_model.safetensors, the base's tokenizer
and tunectl_export.json (run, step, base, dtype, trust_remote_code); a builtin:tiny base is
included as DIR/base. See docs/export.md.`;

/** hosts[].python of the workspace's local host, else the trainer virtualenv tunectl makes. */
async function localPython(ctx: CommandContext): Promise<string> {
  const hosts = (await ctx.workspace()).config.hosts;
  return hosts.find((host) => host.address === "local")?.python ?? "auto";
}

async function hostTarget(ctx: CommandContext, run: RunRecord) {
  const { UserError } = await import("../../errors/index.js");
  const attempt = run.attempts.at(-1);
  if (!attempt?.host || !attempt.host_dir || !attempt.runtime) {
    throw new UserError(`run ${run.id} never reached a host: there is nothing to export on one`, {
      code: "export.no_host",
      hint: "drop --on-host to export here from the registry's copy",
    });
  }
  return trainerTargetOf(
    ctx,
    run,
    { host: attempt.host, host_dir: attempt.host_dir, runtime: attempt.runtime },
    {
      code: "export.host_unreachable",
      hint: "drop --on-host to export here from the registry's or the bucket's copy",
    },
  );
}

export const registerExport: RegisterCommand = (program, app) => {
  program
    .command("export")
    .description(
      "a checkpoint as a directory from_pretrained loads: the PEFT adapter, or with --merge full weights",
    )
    .argument("<run>", "run id, unique prefix, name, or last")
    .requiredOption("--out <dir>", "directory to write (new or empty; --force replaces it)")
    .option(
      "--checkpoint <step>",
      "checkpoint step (default: best eval loss, else the newest)",
      positiveInteger,
    )
    .option("--merge", "write base + adapter merged into full weights, with the tokenizer")
    .option("--force", "replace --out when it is not empty")
    .option("--on-host", "run the export on the run's host with its runtime, then copy it here")
    .addHelpText("after", examples)
    .action(
      app.action(async (ctx, ref: string, options: ExportOptions) => {
        const { exportRun } = await import("../../export/index.js");
        const { LocalHost } = await import("../../hosts/index.js");
        const registry = await ctx.registry();
        const run = await registry.resolve(ref);
        const workspace = await ctx.workspace();
        const host = await hostOfRun(ctx, run);
        const result = await exportRun(
          {
            registry,
            reporter: ctx.io,
            ...(host ? { host } : {}),
            store: await ctx.store(),
            local: new LocalHost("local", workspace.root),
            localPython: await localPython(ctx),
            signal: ctx.interrupted,
          },
          {
            run,
            ...(options.checkpoint !== undefined ? { step: options.checkpoint } : {}),
            merge: Boolean(options.merge),
            out: path.resolve(options.out),
            force: Boolean(options.force),
            ...(options.onHost ? { onHost: await hostTarget(ctx, run) } : {}),
          },
        );
        if (ctx.globals.json) ctx.io.json(result);
        else {
          const load = result.merged
            ? `AutoModelForCausalLM.from_pretrained("${result.out}")`
            : result.base_dir
              ? `PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained("${result.out}/${result.base_dir}"), "${result.out}")`
              : `PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained("${result.base}"), "${result.out}")`;
          ctx.io.out(
            `${result.out}: ${result.merged ? "merged weights" : "adapter"} of ${result.run} step ${result.step} ` +
              `(base ${result.base}, ${result.dtype}${result.trust_remote_code ? ", trust_remote_code" : ""})\n` +
              `  load: ${load}`,
          );
        }
        return ExitCode.ok;
      }),
    );
};
