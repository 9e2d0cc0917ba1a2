import { existsSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { UserError } from "../errors/index.js";
import { chooseCheckpoint, exportRun, type ExportDeps } from "../export/index.js";
import { listCheckpoints } from "../monitor/index.js";
import type { RunRecord } from "../runs/index.js";
import { servedModelName, type ServerKind } from "./server-choice.js";

/** What is served: a run's checkpoint (exported here first) or a directory given with --model. */
export type ModelSource =
  { kind: "run"; run: RunRecord; step?: number } | { kind: "path"; dir: string };

/** A model directory on this machine, ready for one server kind. */
export interface LocalModel {
  /** The name clients send as `model`. */
  name: string;
  dir: string;
  /** Full weights (config.json) or a PEFT adapter (adapter_config.json). */
  weights: "full" | "adapter";
  /** For an adapter: its base (hub id, or `base` inside dir for builtin:tiny) and LoRA rank. */
  adapter?: { base: string; baseInDir: boolean; rank: number };
  run?: string;
  step?: number;
}

/**
 * A run's checkpoint is exported once per step and kind into `<state>/serve/` (merged for
 * transformers serve, the adapter for vLLM) and reused by the next `tunectl serve`.
 */
export async function prepareModel(
  exportDeps: ExportDeps,
  stateDir: string,
  source: ModelSource,
  server: ServerKind,
): Promise<LocalModel> {
  if (source.kind === "path") return modelAtPath(source.dir, server);
  const { run } = source;
  const known = await listCheckpoints(exportDeps.registry, run, {
    ...(exportDeps.host ? { host: exportDeps.host } : {}),
    ...(exportDeps.store ? { store: exportDeps.store } : {}),
  });
  const { step } = chooseCheckpoint(run.id, known, source.step);
  const merge = server === "transformers";
  const out = path.join(
    stateDir,
    "serve",
    `${run.id}-step-${step}-${merge ? "merged" : "adapter"}`,
  );
  if (!existsSync(path.join(out, "tunectl_export.json"))) {
    await mkdir(path.dirname(out), { recursive: true });
    // the same choice again, so its event says why (requested, best eval loss, newest)
    const requested = source.step !== undefined ? { step: source.step } : {};
    await exportRun(exportDeps, { run, ...requested, merge, out, force: true });
  }
  return {
    ...(await describeDir(out)),
    name: servedModelName({ run: run.id, step }),
    run: run.id,
    step,
  };
}

async function modelAtPath(dir: string, server: ServerKind): Promise<LocalModel> {
  const found = await describeDir(dir).catch(() => undefined);
  if (!found) {
    throw new UserError(`--model ${dir} holds neither config.json nor adapter_config.json`, {
      code: "serve.bad_model",
      hint: "pass a directory from_pretrained loads, e.g. one written by `tunectl export --merge`",
    });
  }
  if (found.weights === "adapter" && server === "transformers") {
    throw new UserError(`--model ${dir} is a LoRA adapter; transformers serve needs full weights`, {
      code: "serve.adapter_needs_merge",
      hint: "merge it first (`tunectl export RUN --merge --out DIR`) or serve the run itself: `tunectl serve RUN`",
    });
  }
  return { ...found, name: servedModelName({ path: dir }) };
}

async function describeDir(dir: string): Promise<Omit<LocalModel, "name">> {
  if (existsSync(path.join(dir, "config.json"))) return { dir, weights: "full" };
  const config = JSON.parse(await readFile(path.join(dir, "adapter_config.json"), "utf8")) as {
    base_model_name_or_path?: string;
    r?: number;
  };
  const baseInDir = existsSync(path.join(dir, "base", "config.json"));
  return {
    dir,
    weights: "adapter",
    adapter: {
      base: baseInDir ? "base" : String(config.base_model_name_or_path ?? ""),
      baseInDir,
      rank: config.r ?? 16,
    },
  };
}
