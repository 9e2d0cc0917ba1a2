import { readdir } from "node:fs/promises";
import path from "node:path";
import type { Duplex } from "node:stream";
import { UserError } from "../errors/index.js";
import type { ExportDeps } from "../export/index.js";
import type { RemoteHost } from "../hosts/index.js";
import { trainerPython } from "../launch/index.js";
import type { Reporter } from "../report/index.js";
import { serveReady, serveStarting, serveStopped, serveUploading } from "./events.js";
import { freeLocalPort } from "./local-port.js";
import { forwardLocalPort, type PortForward } from "./port-forward.js";
import { prepareModel, type LocalModel, type ModelSource } from "./served-model.js";
import { publishServedModel } from "./served-model-cache.js";
import {
  chooseServer,
  detectVllmScript,
  parseVllmPresence,
  serverArgv,
  type ServerCommand,
  type ServerKind,
  type ServerPreference,
  type VllmPresence,
} from "./server-choice.js";
import { startServerProcess, type ServerProcess } from "./server-process.js";
import { waitReady } from "./wait-ready.js";

/** Where the server runs: `local` (this machine) or an SSH host, with its port carried here. */
export interface ServeTarget {
  host: RemoteHost;
  /** hosts[].python: `auto` (the trainer virtualenv) or a Python with the trainer's lock. */
  python: string;
  /** The host's workdir (SSH hosts): the model is copied under `<workdir>/serve/`. */
  workdir: string;
  /** SSH hosts: a channel to 127.0.0.1:port on the host (ssh2 forwardOut). */
  forward?: (port: number) => Promise<Duplex>;
}

export interface ServeDeps {
  reporter: Reporter;
  exportDeps: ExportDeps;
  /** `.tunectl` of the workspace: exports for serving are kept in `serve/`. */
  stateDir: string;
  target: ServeTarget;
  signal?: AbortSignal;
}

export interface ServeRequest {
  source: ModelSource;
  server: ServerPreference;
  /** The port here (default: a free one). */
  port?: number;
  startupTimeoutMs: number;
}

/** `tunectl serve --json` (docs/serve.md). */
export interface ServeInfo {
  base_url: string;
  model: string;
  server: ServerKind;
  host: string;
  port: number;
  /** The server's pid on the host. */
  pid: number;
  run: string | null;
  step: number | null;
  model_dir: string;
}

export interface ServeSession {
  info: ServeInfo;
  /** Settles if the server ends on its own; its last lines are in logTail(). */
  exited: ServerProcess["exited"];
  logTail(): string;
  /** SIGTERM to the server (SIGKILL after graceMs), forwarding closed. */
  stop(graceMs?: number): Promise<void>;
}

export async function serveModel(deps: ServeDeps, request: ServeRequest): Promise<ServeSession> {
  const { host } = deps.target;
  const port = await freeLocalPort(request.port);
  const python = await trainerPython(host, deps.target.python, deps.reporter);
  const vllm = parseVllmPresence((await host.script(detectVllmScript, [python])).stdout);
  const server = chooseServer(request.server, vllm);
  if (server === "vllm" && vllm.kind === "none") {
    throw new UserError(
      `--server vllm: host ${host.name} has no vllm command and ${python} cannot import vllm`,
      {
        code: "serve.no_vllm",
        hint: "install vLLM on the host, or leave out --server to use transformers serve",
      },
    );
  }
  const model = await prepareModel(
    { ...deps.exportDeps, ...(deps.signal ? { signal: deps.signal } : {}) },
    deps.stateDir,
    request.source,
    server,
  );
  const place = await placeModel(deps, model);
  const remotePort = deps.target.forward ? await freeHostPort(host, python) : port;
  const servingDir =
    host.kind === "local"
      ? path.join(deps.stateDir, "serve")
      : path.posix.join(deps.target.workdir, "serve");
  const { argv, env } = await serverCommand(
    host,
    server,
    vllm,
    python,
    model,
    place,
    remotePort,
    servingDir,
  );

  serveStarting.emit(deps.reporter, `${server} serve of ${model.name} starting on ${host.name}`, {
    server,
    host: host.name,
    model: model.name,
    port: remotePort,
  });
  const process = await startServerProcess(host, argv, env);
  let forward: PortForward | undefined;
  const stop = async (graceMs = 3_000) => {
    await forward?.close();
    const { forced } = await process.stop(graceMs);
    serveStopped.emit(deps.reporter, `server ${process.pid} on ${host.name} ended`, {
      host: host.name,
      pid: process.pid,
      forced,
    });
  };
  const baseUrl = `http://127.0.0.1:${port}/v1`;
  try {
    const open = deps.target.forward;
    if (open) forward = await forwardLocalPort(port, () => open(remotePort));
    await waitReady(baseUrl, model.name, process, {
      timeoutMs: request.startupTimeoutMs,
      ...(deps.signal ? { signal: deps.signal } : {}),
    });
  } catch (error) {
    await stop();
    throw error;
  }
  const info: ServeInfo = {
    base_url: baseUrl,
    model: model.name,
    server,
    host: host.name,
    port,
    pid: process.pid,
    run: model.run ?? null,
    step: model.step ?? null,
    model_dir: model.dir,
  };
  serveReady.emit(deps.reporter, `serving ${model.name} at ${baseUrl}`, {
    base_url: baseUrl,
    model: model.name,
    server,
    host: host.name,
    pid: process.pid,
  });
  return { info, exited: process.exited, logTail: () => process.logTail(), stop };
}

/** The model's directory on the host: the local one, or a copy under the SSH host's workdir. */
async function placeModel(deps: ServeDeps, model: LocalModel): Promise<string> {
  const { host, workdir } = deps.target;
  if (host.kind === "local") return model.dir;
  const remote = path.posix.join(workdir, "serve", path.basename(model.dir));
  const entries = await readdir(model.dir, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(model.dir, path.join(entry.parentPath, entry.name)));
  serveUploading.emit(
    deps.reporter,
    `copying ${files.length} files of ${model.name} to ${host.name}`,
    {
      host: host.name,
      files: files.length,
    },
  );
  const dirs = [...new Set(files.map((file) => path.posix.join(remote, path.dirname(file))))];
  await host.exec(["mkdir", "-p", ...dirs]);
  for (const file of files) {
    await host.putFile(path.join(model.dir, file), path.posix.join(remote, file));
  }
  return remote;
}

async function freeHostPort(host: RemoteHost, python: string): Promise<number> {
  const code =
    "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])";
  const result = await host.exec([python, "-c", code]);
  return Number(result.stdout.trim());
}

async function serverCommand(
  host: RemoteHost,
  server: ServerKind,
  vllm: VllmPresence,
  python: string,
  model: LocalModel,
  dir: string,
  port: number,
  servingDir: string,
): Promise<{ argv: string[]; env: Record<string, string> }> {
  let command: ServerCommand;
  const env: Record<string, string> = { HF_HUB_DISABLE_UPDATE_CHECK: "1" };
  if (server === "transformers") {
    // one cache per served name, so two servers of different models never share one
    const cacheDir = path.posix.join(servingDir, "hub", model.name.replace("/", "-"));
    const cache = await publishServedModel(host, cacheDir, model.name, dir);
    Object.assign(env, { HF_HUB_CACHE: cache, HF_HUB_OFFLINE: "1" });
    command = { kind: "transformers", python, model: model.name, port };
  } else {
    const launcher = vllm.kind === "command" ? vllm : { kind: "module" as const, python };
    const adapter = model.adapter;
    command = {
      kind: "vllm",
      vllm: launcher,
      base: adapter ? (adapter.baseInDir ? path.posix.join(dir, "base") : adapter.base) : dir,
      ...(adapter ? { adapter: { dir, rank: adapter.rank } } : {}),
      model: model.name,
      port,
    };
  }
  return { argv: serverArgv(command), env };
}
