import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { InfraError } from "../errors/index.js";
import type { SearchSpace } from "./search-space.js";

/** scripts/sweep/optuna_bridge.py, shipped with tunectl. */
export const bridgeScript = fileURLToPath(
  new URL("../../scripts/sweep/optuna_bridge.py", import.meta.url),
);

export interface BridgeOptions {
  /** A Python with Optuna: the trainer's venv (scripts/trainer/venv.sh). */
  python: string;
  /** Optuna's journal file (`.tunectl/sweeps/<sweep-id>/optuna.journal`). */
  journal: string;
  study: string;
  sampler: "tpe" | "random";
  seed: number;
  direction: "minimize" | "maximize";
  /** Optuna's pruner for early stopping; none without `early_stopping` in the spec. */
  pruner?: PrunerOptions;
}

/** `early_stopping` of the spec as the bridge's pruner flags (resource = training steps). */
export interface PrunerOptions {
  method: "asha" | "hyperband";
  min_resource: number;
  reduction_factor: number;
  min_early_stopping_rate: number;
  max_resource?: number;
}

export type TrialOutcome = { value: number } | { state: "pruned" | "failed" };

export interface AskedTrial {
  trial: number;
  params: Record<string, unknown>;
}

export interface BridgeTrial extends AskedTrial {
  state: "running" | "complete" | "pruned" | "fail" | "waiting";
  value: number | null;
}

/** Optuna's ask-and-tell, one request and one answer a line; the maths stay in Optuna. */
export interface OptunaBridge {
  ask(space: SearchSpace): Promise<AskedTrial>;
  tell(trial: number, outcome: TrialOutcome): Promise<void>;
  /** Report an intermediate value at a step; answers whether the pruner stops the trial. */
  report(trial: number, step: number, value: number): Promise<boolean>;
  trials(): Promise<BridgeTrial[]>;
  close(): Promise<void>;
}

export function startOptunaBridge(options: BridgeOptions): OptunaBridge {
  const child = spawn(
    options.python,
    [
      bridgeScript,
      ...["--journal", options.journal, "--study", options.study],
      ...["--sampler", options.sampler, "--seed", String(options.seed)],
      ...["--direction", options.direction],
      ...prunerFlags(options.pruner),
    ],
    { stdio: ["pipe", "pipe", "pipe"] },
  );
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const exited = new Promise<number | null>((resolve) => {
    child.on("error", (error) => {
      stderr += String(error);
      resolve(null);
    });
    child.on("close", (code) => resolve(code));
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  let queue: Promise<unknown> = Promise.resolve();

  const failed = (what: string) =>
    new InfraError(`the Optuna bridge ${what}: ${lastLines(stderr) || "no output"}`, {
      code: "sweep.bridge_failed",
      hint: `${options.python} needs Optuna: sh scripts/trainer/venv.sh makes the trainer's venv from requirements.lock`,
    });

  const request = (body: Record<string, unknown>): Promise<Record<string, unknown>> => {
    const next = queue.then(async () => {
      if (child.exitCode !== null || !child.stdin.writable) throw failed("is not running");
      child.stdin.write(`${JSON.stringify(body)}\n`);
      const line = await Promise.race([lines.next(), exited.then(() => undefined)]);
      if (!line || line.done) throw failed("stopped");
      const answer = JSON.parse(line.value) as Record<string, unknown>;
      if (answer.ok !== true) throw failed(`refused ${String(body.op)}: ${String(answer.error)}`);
      return answer;
    });
    queue = next.catch(() => undefined);
    return next;
  };

  return {
    async ask(space) {
      const answer = await request({ op: "ask", space });
      return { trial: Number(answer.trial), params: answer.params as Record<string, unknown> };
    },
    async tell(trial, outcome) {
      await request({ op: "tell", trial, ...outcome });
    },
    async report(trial, step, value) {
      return (await request({ op: "report", trial, step, value })).prune === true;
    },
    async trials() {
      return (await request({ op: "trials" })).trials as BridgeTrial[];
    },
    async close() {
      child.stdin.end();
      await exited;
    },
  };
}

function prunerFlags(pruner: PrunerOptions | undefined): string[] {
  if (!pruner) return [];
  return [
    ...["--pruner", pruner.method, "--min-resource", String(pruner.min_resource)],
    ...["--reduction-factor", String(pruner.reduction_factor)],
    ...["--min-early-stopping-rate", String(pruner.min_early_stopping_rate)],
    ...(pruner.max_resource === undefined ? [] : ["--max-resource", String(pruner.max_resource)]),
  ];
}

function lastLines(text: string): string {
  return text.trim().split("\n").slice(-3).join(" ");
}
