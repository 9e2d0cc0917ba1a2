import type { ChatEndpoint } from "../generate/index.js";
import type { RunRecord } from "../runs/index.js";
import type { CheckpointSelection } from "./checkpoint-selection.js";
import type { EvalRecord } from "./eval-record.js";
import { evaluateSteps, prepareRun, type EvalDeps } from "./evaluate-run.js";
import type { JudgeRecord } from "./judge-record.js";
import { judgeStep } from "./judge-run.js";
import type { LoadedJudge } from "./judge-spec.js";

export interface EvalRequest {
  run: RunRecord;
  selection: CheckpointSelection;
  /** Recompute stored results (and verdicts). */
  force: boolean;
  judge?: {
    loaded: LoadedJudge;
    /** `base`: the run's own step 0; a run: its best checkpoint (lowest eval loss, else newest). */
    against: "base" | RunRecord;
    endpoint?: ChatEndpoint;
  };
}

/** `tunectl eval RUN --json` (a stable shape, docs/evaluate.md). */
export interface EvalResult {
  schema: 1;
  run: string;
  checkpoints: Array<EvalRecord & { reused: boolean }>;
  /** The reference the judge compared with (absent without --judge). */
  reference?: EvalRecord & { reused: boolean };
  judge: Array<JudgeRecord & { reused: boolean }>;
}

export async function evaluateRun(deps: EvalDeps, request: EvalRequest): Promise<EvalResult> {
  const prepared = await prepareRun(deps, request.run, request.selection);
  const against = request.judge?.against;
  const reference =
    against === undefined
      ? undefined
      : against === "base"
        ? { prepared, step: 0, label: "base" }
        : await prepareRun(deps, against, { kind: "best" }).then((other) => ({
            prepared: other,
            step: other.steps[0]!,
            label: `${other.run.id}@${other.steps[0]}`,
          }));
  const evaluated = await evaluateSteps(deps, prepared, prepared.steps, request.force);
  const result: EvalResult = {
    schema: 1,
    run: request.run.id,
    checkpoints: evaluated.map(({ record, reused }) => ({ ...record, reused })),
    judge: [],
  };
  if (!reference || !request.judge) return result;
  const [ref] = await evaluateSteps(deps, reference.prepared, [reference.step], request.force);
  result.reference = { ...ref!.record, reused: ref!.reused };
  for (const { record } of evaluated) {
    if (record.run === ref!.record.run && record.step === ref!.record.step) continue;
    const judged = await judgeStep({
      judge: request.judge.loaded,
      ...(request.judge.endpoint ? { endpoint: request.judge.endpoint } : {}),
      reporter: deps.reporter,
      runDir: deps.registry.paths(request.run.id).dir,
      candidate: record,
      reference: ref!.record,
      label: reference.label,
      force: request.force,
      now: deps.now ?? (() => new Date()),
      signal: deps.signal ?? new AbortController().signal,
    });
    result.judge.push({ ...judged.record, reused: judged.reused });
  }
  return result;
}
