/**
 * Which existing OpenAI-compatible server serves the model, and its command line. tunectl
 * never answers requests itself: `vllm serve --enable-lora` where the host has vLLM (base +
 * adapter, no merge), else `transformers serve` on the merged export.
 */
export type ServerKind = "vllm" | "transformers";
export type ServerPreference = ServerKind | "auto";

export function chooseServer(preference: ServerPreference, vllm: VllmPresence): ServerKind {
  if (preference === "auto") return vllm.kind === "none" ? "transformers" : "vllm";
  return preference;
}

/**
 * Whether the host has vLLM, run with the host's Python as "$1": prints `command PATH` for a
 * `vllm` on PATH, `module` when that Python imports vllm, else `none`.
 */
export const detectVllmScript = [
  'if path=$(command -v vllm 2>/dev/null); then echo "command $path"',
  'elif "$1" -c "import vllm" >/dev/null 2>&1; then echo module',
  "else echo none; fi",
].join("\n");

export type VllmPresence =
  { kind: "command"; path: string } | { kind: "module" } | { kind: "none" };

export function parseVllmPresence(stdout: string): VllmPresence {
  const line = stdout.trim().split("\n").pop() ?? "";
  if (line.startsWith("command ")) return { kind: "command", path: line.slice("command ".length) };
  if (line === "module") return { kind: "module" };
  return { kind: "none" };
}

export interface TransformersServe {
  kind: "transformers";
  python: string;
  /** The name the model is served under: an id in the private cache (served-model-cache.ts). */
  model: string;
  port: number;
}

export interface VllmServe {
  kind: "vllm";
  /** How vLLM is started on the host: its `vllm` command, or `python -m` when only importable. */
  vllm: { kind: "command"; path: string } | { kind: "module"; python: string };
  /** The base model (a hub id or a directory on the host), or the full model when no adapter. */
  base: string;
  /** The PEFT adapter on the host and its LoRA rank (--max-lora-rank must be at least it). */
  adapter?: { dir: string; rank: number };
  model: string;
  port: number;
}

export type ServerCommand = TransformersServe | VllmServe;

/** argv of the server; it listens on the host's loopback only (reached here by forwarding). */
export function serverArgv(command: ServerCommand): string[] {
  const listen = ["--host", "127.0.0.1", "--port", String(command.port)];
  if (command.kind === "transformers") {
    // The model is pinned (loaded before the port opens, never unloaded when idle); a request
    // naming another model is refused by the server itself.
    return [
      command.python,
      "-m",
      "transformers.cli.transformers",
      "serve",
      command.model,
      ...listen,
      "--log-level",
      "info",
    ];
  }
  const vllm =
    command.vllm.kind === "command"
      ? [command.vllm.path]
      : [command.vllm.python, "-m", "vllm.entrypoints.cli.main"];
  const model = command.adapter
    ? [
        "--enable-lora",
        "--lora-modules",
        `${command.model}=${command.adapter.dir}`,
        "--max-lora-rank",
        String(vllmRank(command.adapter.rank)),
      ]
    : ["--served-model-name", command.model];
  return [...vllm, "serve", command.base, ...model, ...listen];
}

/** vLLM accepts only these ranks for --max-lora-rank; the smallest one that fits. */
const vllmRanks = [1, 8, 16, 32, 64, 128, 256, 320, 512];
function vllmRank(rank: number): number {
  return vllmRanks.find((allowed) => allowed >= rank) ?? rank;
}

/**
 * The name a client sends as `model`: `tunectl/<run>-step-<N>` for a run's checkpoint,
 * `tunectl/<dir name>` for --model PATH. One `/` and no `--` (the hub cache's separator).
 */
export function servedModelName(source: { run: string; step: number } | { path: string }): string {
  const raw =
    "run" in source
      ? `${source.run}-step-${source.step}`
      : source.path.replace(/\/+$/, "").split("/").pop() || "model";
  const clean = raw
    .replace(/[^A-Za-z0-9._-]/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^[-.]+|[-.]+$/g, "");
  return `tunectl/${clean || "model"}`;
}
