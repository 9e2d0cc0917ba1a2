import { createHash } from "node:crypto";
import path from "node:path";
import { UserError } from "../errors/index.js";
import { layoutFromRunDir } from "../launch/index.js";
import type { Reporter } from "../report/index.js";
import type { RunRecord, RunRegistry } from "../runs/index.js";
import {
  selectCheckpoints,
  type AvailableCheckpoint,
  type CheckpointSelection,
} from "./checkpoint-selection.js";
import type { EvalRecord } from "./eval-record.js";
import { readEvalRecord, writeEvalRecord } from "./eval-store.js";
import { evalCheckpointsChosen, evalDone, evalReused, evalRunning } from "./events.js";
import { evaluateOnHost, type EvalTarget } from "./trainer-evaluate.js";

/** The version of what the trainer's evaluate computes; a change redoes stored results. */
const EVAL_FORMAT = "tunectl-eval-1";

export interface EvalDeps {
  registry: Pick<RunRegistry, "paths">;
  reporter: Reporter;
  /** Where a run's checkpoints are (its latest attempt's host), connected. */
  target(run: RunRecord): Promise<EvalTarget>;
  /** The run's checkpoints, and which are on its host. */
  checkpoints(run: RunRecord): Promise<AvailableCheckpoint[]>;
  now?: () => Date;
  signal?: AbortSignal;
}

/** One run prepared for eval: checked, its host connected, its steps chosen. */
export interface PreparedRun {
  run: RunRecord;
  target: EvalTarget;
  steps: number[];
  /** train.json as the trainer read it, part of every result's key. */
  trainJson: Buffer;
}

/** Everything about a run that can be refused is checked here, before anything runs (exit 2). */
export async function prepareRun(
  deps: EvalDeps,
  run: RunRecord,
  selection: CheckpointSelection,
): Promise<PreparedRun> {
  const target = await deps.target(run);
  const trainJson = await target.host.readFile(layoutFromRunDir(target.hostDir).trainJson);
  const prompts = (JSON.parse(trainJson.toString("utf8")) as { eval?: { prompts?: unknown[] } })
    .eval?.prompts;
  const evalRecords = run.dataset?.eval_records ?? 0;
  if (evalRecords === 0 && (prompts?.length ?? 0) === 0) {
    throw new UserError(
      `run ${run.id} has no eval split and no eval prompts: nothing to evaluate`,
      {
        code: "eval.nothing_to_evaluate",
        hint: "set data.eval_split (or data.eval) for eval loss, or eval.prompts for answers, and train a run with them",
        data: { run: run.id },
      },
    );
  }
  const steps = selectCheckpoints(run.id, await deps.checkpoints(run), selection);
  return { run, target, steps, trainJson };
}

async function resultKey(prepared: PreparedRun, step: number): Promise<string> {
  const hash = createHash("sha256").update(EVAL_FORMAT).update("\0").update(prepared.trainJson);
  hash.update("\0").update(prepared.target.fingerprint).update("\0");
  if (step === 0) hash.update("base");
  else {
    const layout = layoutFromRunDir(prepared.target.hostDir);
    const manifest = path.posix.join(layout.checkpoints, `step-${step}`, "manifest.json");
    hash.update(await prepared.target.host.readFile(manifest));
  }
  return hash.digest("hex");
}

export interface EvaluatedStep {
  record: EvalRecord;
  /** Taken from the registry, not computed now. */
  reused: boolean;
}

/** Each step's result: the stored one when its key matches (unless force), else computed now. */
export async function evaluateSteps(
  deps: EvalDeps,
  prepared: PreparedRun,
  steps: number[],
  force: boolean,
): Promise<EvaluatedStep[]> {
  const { run, target } = prepared;
  const runDir = deps.registry.paths(run.id).dir;
  evalCheckpointsChosen.emit(deps.reporter, `evaluating ${run.id} at steps ${steps.join(", ")}`, {
    run: run.id,
    steps,
  });
  const out: EvaluatedStep[] = [];
  for (const step of steps) {
    const key = await resultKey(prepared, step);
    const stored = await readEvalRecord(runDir, step);
    if (stored && stored.key === key && !force) {
      evalReused.emit(deps.reporter, `step ${step}: stored result of ${stored.evaluated_at}`, {
        run: run.id,
        step,
        evaluated_at: stored.evaluated_at,
      });
      out.push({ record: stored, reused: true });
      continue;
    }
    evalRunning.emit(
      deps.reporter,
      `step ${step}${step === 0 ? " (base)" : ""} on ${target.host.name}`,
      {
        run: run.id,
        step,
        host: target.host.name,
      },
    );
    const result = await evaluateOnHost(target, deps.reporter, {
      runId: run.id,
      step,
      ...(deps.signal ? { signal: deps.signal } : {}),
    });
    const record: EvalRecord = {
      schema: 1,
      run: run.id,
      step,
      key,
      evaluated_at: (deps.now?.() ?? new Date()).toISOString(),
      host: target.host.name,
      runtime_s: result.runtime_s ?? null,
      eval_loss: result.eval?.eval_loss ?? null,
      token_accuracy: result.eval?.token_accuracy ?? null,
      eval_tokens: result.eval?.tokens ?? 0,
      eval_records: result.eval?.records ?? 0,
      answers: result.answers,
    };
    await writeEvalRecord(runDir, record);
    evalDone.emit(deps.reporter, doneMessage(record), {
      run: run.id,
      step,
      eval_loss: record.eval_loss,
      token_accuracy: record.token_accuracy,
      answers: record.answers.length,
    });
    out.push({ record, reused: false });
  }
  return out;
}

function doneMessage(record: EvalRecord): string {
  const loss =
    record.eval_loss === null ? "no eval split" : `eval_loss ${record.eval_loss.toFixed(4)}`;
  const accuracy =
    record.token_accuracy === null
      ? ""
      : `, token accuracy ${(record.token_accuracy * 100).toFixed(1)}%`;
  return `step ${record.step}: ${loss}${accuracy}, ${record.answers.length} answers`;
}
