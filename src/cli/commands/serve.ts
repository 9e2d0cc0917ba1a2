import path from "node:path";
import { InvalidArgumentError } from "commander";
import type { CommandContext, RegisterCommand } from "../app.js";
import { ExitCode } from "../exit-code.js";
import { integer, positiveInteger } from "../option-parsers.js";
import { hostOfRun } from "./checkpoints.js";

interface ServeOptions {
  checkpoint?: number;
  model?: string;
  host: string;
  port?: number;
  server: "auto" | "vllm" | "transformers";
  startupTimeout: number;
}

const examples = `
Examples:
  tunectl serve last                          # best (else newest) checkpoint, here, on a free port
  tunectl serve my-run --checkpoint 200 --port 8000
  tunectl serve my-run --host gpu-a           # on an SSH host, its port forwarded to 127.0.0.1 here
  tunectl serve --model ./merged              # a directory from_pretrained loads

It prints the base_url and model name for any OpenAI client, e.g.
  OpenAI(base_url="http://127.0.0.1:PORT/v1", api_key="unused").chat.completions.create(model=NAME, ...)
vllm serve --enable-lora where the host has vLLM, else transformers serve on the merged
export. Ctrl-C stops the server. See docs/serve.md.`;

const serverKind = (value: string) => {
  if (value === "auto" || value === "vllm" || value === "transformers") return value;
  throw new InvalidArgumentError("expected auto, vllm or transformers");
};
const port = (value: string) => {
  const n = integer(1)(value);
  if (n > 65535) throw new InvalidArgumentError("expected a port, 1-65535");
  return n;
};

/** The host the server runs on (`local` by default), and how its port is reached from here. */
async function serveTarget(ctx: CommandContext, name: string) {
  const { InfraError } = await import("../../errors/index.js");
  const { hostPortOpener, hostWorkdir } = await import("../../hosts/index.js");
  const pool = await ctx.hosts();
  const config = pool.config(name);
  const host = await pool.get(name).catch((error: Error) => {
    throw new InfraError(`host ${name} does not answer: ${error.message}`, {
      code: "serve.host_unreachable",
      hint: "check it with `tunectl hosts`, or serve here with --host local",
      cause: error,
    });
  });
  const forward = hostPortOpener(host);
  return {
    host,
    python: config.python,
    workdir: hostWorkdir(config),
    ...(forward ? { forward } : {}),
  };
}

export const registerServe: RegisterCommand = (program, app) => {
  program
    .command("serve")
    .description(
      "an OpenAI-compatible endpoint (vLLM or transformers serve) for a run's checkpoint",
    )
    .argument("[run]", "run id, unique prefix, name, or last")
    .option(
      "--checkpoint <step>",
      "checkpoint step (default: best eval loss, else the newest)",
      positiveInteger,
    )
    .option("--model <dir>", "serve this model directory instead of a run's checkpoint")
    .option(
      "--host <name>",
      "where the server runs: local or an SSH host of the workspace",
      "local",
    )
    .option("--port <port>", "the port here, on 127.0.0.1 (default: a free one)", port)
    .option(
      "--server <kind>",
      "auto (vllm where the host has it), vllm or transformers",
      serverKind,
      "auto",
    )
    .option(
      "--startup-timeout <s>",
      "seconds to wait for the model to be listed",
      positiveInteger,
      600,
    )
    .addHelpText("after", examples)
    .action(
      app.action(async (ctx, ref: string | undefined, options: ServeOptions) => {
        const { UserError } = await import("../../errors/index.js");
        if ((ref === undefined) === (options.model === undefined)) {
          throw new UserError("give a RUN or --model DIR (one of them)", {
            code: "usage.serve_source",
            hint: "tunectl serve last, or tunectl serve --model ./merged",
          });
        }
        if (options.model !== undefined && options.checkpoint !== undefined) {
          throw new UserError("--checkpoint goes with a RUN, not with --model", {
            code: "usage.serve_source",
          });
        }
        const { serveModel } = await import("../../serve/index.js");
        const { LocalHost } = await import("../../hosts/index.js");
        const workspace = await ctx.workspace();
        const registry = await ctx.registry();
        const run = ref === undefined ? undefined : await registry.resolve(ref);
        const target = await serveTarget(ctx, options.host);
        const runHost = run ? await hostOfRun(ctx, run) : undefined;
        const localPython =
          workspace.config.hosts.find((host) => host.address === "local")?.python ?? "auto";
        const session = await serveModel(
          {
            reporter: ctx.io,
            exportDeps: {
              registry,
              reporter: ctx.io,
              ...(runHost ? { host: runHost } : {}),
              store: await ctx.store(),
              local: new LocalHost("local", workspace.root),
              localPython,
            },
            stateDir: workspace.stateDir,
            target,
            signal: ctx.interrupted,
          },
          {
            source: run
              ? {
                  kind: "run",
                  run,
                  ...(options.checkpoint !== undefined ? { step: options.checkpoint } : {}),
                }
              : { kind: "path", dir: path.resolve(options.model!) },
            server: options.server,
            ...(options.port !== undefined ? { port: options.port } : {}),
            startupTimeoutMs: options.startupTimeout * 1000,
          },
        );
        const { info } = session;
        if (ctx.globals.json) ctx.io.json(info);
        else {
          ctx.io.out(
            `serving ${info.model} (${info.server} serve on ${info.host}, pid ${info.pid})\n` +
              `  base_url: ${info.base_url}\n  model:    ${info.model}\n  Ctrl-C stops it`,
          );
        }
        const ended = await Promise.race([
          session.exited.then(
            () => "exited" as const,
            () => "exited" as const,
          ),
          new Promise<"stopped">((resolve) =>
            ctx.interrupted.addEventListener("abort", () => resolve("stopped"), { once: true }),
          ),
        ]);
        if (ended === "exited") {
          const { InfraError } = await import("../../errors/index.js");
          await session.stop();
          throw new InfraError(
            `the server ended on its own; its last lines:\n${session.logTail()}`,
            {
              code: "serve.server_exited",
            },
          );
        }
        await session.stop();
        return ExitCode.interrupted;
      }),
    );
};
