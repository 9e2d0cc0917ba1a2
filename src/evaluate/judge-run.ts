import { createHash } from "node:crypto";
import { InfraError, UserError } from "../errors/index.js";
import { openAiEndpoint, type ChatEndpoint } from "../generate/index.js";
import type { Reporter } from "../report/index.js";
import type { EvalRecord } from "./eval-record.js";
import { readJudgeRecord, writeJudgeRecord } from "./eval-store.js";
import { evalJudgeProgress, evalJudged } from "./events.js";
import type { LoadedJudge } from "./judge-spec.js";
import type { JudgeRecord } from "./judge-record.js";
import { judgePairs, type JudgePair } from "./pairwise-judge.js";

export interface JudgeJob {
  judge: LoadedJudge;
  /** Default: the OpenAI client on the spec's endpoint (src/generate/chat-endpoint.ts). */
  endpoint?: ChatEndpoint;
  reporter: Reporter;
  runDir: string;
  candidate: EvalRecord;
  reference: EvalRecord;
  /** `base`, or `<run-id>@<step>`. */
  label: string;
  force: boolean;
  now: () => Date;
  signal: AbortSignal;
}

export function endpointFor(judge: LoadedJudge): ChatEndpoint {
  return openAiEndpoint({
    baseURL: judge.spec.endpoint.base_url,
    model: judge.spec.endpoint.model,
    ...(judge.apiKey ? { apiKey: judge.apiKey } : {}),
    timeoutMs: judge.spec.timeout_s * 1000,
  });
}

/** The prompts both answered, paired by prompt id, in the candidate's order. */
export function pairAnswers(candidate: EvalRecord, reference: EvalRecord): JudgePair[] {
  const theirs = new Map(reference.answers.map((answer) => [answer.prompt_id, answer.output]));
  return candidate.answers.flatMap((answer) => {
    const other = theirs.get(answer.prompt_id);
    return other === undefined
      ? []
      : [
          {
            prompt_id: answer.prompt_id,
            prompt: answer.prompt,
            candidate: answer.output,
            reference: other,
          },
        ];
  });
}

/** A checkpoint's answers judged against the reference's; the stored verdict when nothing changed. */
export async function judgeStep(job: JudgeJob): Promise<{ record: JudgeRecord; reused: boolean }> {
  const { candidate, reference, judge } = job;
  const pairs = pairAnswers(candidate, reference);
  if (pairs.length === 0) {
    throw new UserError(
      `step ${candidate.step} of ${candidate.run} and ${job.label} answered no prompt in common: nothing to judge`,
      {
        code: "eval.judge_no_shared_prompts",
        hint: "judge against a run with the same eval.prompts (prompt ids), or against base",
      },
    );
  }
  const { spec } = judge;
  const key = createHash("sha256")
    .update(
      JSON.stringify({
        endpoint: spec.endpoint.base_url,
        model: spec.endpoint.model,
        max_tokens: spec.max_tokens,
        pairs,
      }),
    )
    .digest("hex");
  const stored = await readJudgeRecord(job.runDir, candidate.step, job.label);
  if (stored && stored.key === key && !job.force) {
    emitJudged(job, stored, true);
    return { record: stored, reused: true };
  }
  const tally = await judgePairs(
    {
      endpoint: job.endpoint ?? endpointFor(judge),
      spec,
      signal: job.signal,
      onAnswer: (done, total) =>
        evalJudgeProgress.emit(job.reporter, `judged ${done} of ${total}`, {
          task: `judge step ${candidate.step}`,
          done,
          total,
          unit: "items",
        }),
    },
    pairs,
  ).catch((error: Error) => {
    throw new InfraError(
      `the judge ${spec.endpoint.model} at ${spec.endpoint.base_url} failed: ${error.message}`,
      {
        code: "eval.judge_failed",
        hint: "check endpoint.base_url and the key; stored eval results are kept, rerun to judge",
        cause: error,
      },
    );
  });
  const record: JudgeRecord = {
    schema: 1,
    run: candidate.run,
    step: candidate.step,
    against: { label: job.label, run: reference.run, step: reference.step },
    judge: { base_url: spec.endpoint.base_url, model: spec.endpoint.model },
    key,
    judged_at: job.now().toISOString(),
    ...tally,
  };
  await writeJudgeRecord(job.runDir, record);
  emitJudged(job, record, false);
  return { record, reused: false };
}

function emitJudged(job: JudgeJob, record: JudgeRecord, reused: boolean): void {
  evalJudged.emit(
    job.reporter,
    `step ${record.step} vs ${record.against.label}: win rate ${(record.win_rate * 100).toFixed(0)}% ` +
      `(${record.wins}-${record.ties}-${record.losses}), $${record.cost_usd.toFixed(4)}${reused ? " (stored)" : ""}`,
    {
      run: record.run,
      step: record.step,
      against: record.against.label,
      win_rate: record.win_rate,
      cost_usd: record.cost_usd,
      reused,
    },
  );
}
