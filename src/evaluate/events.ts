import { declareEvent, declareProgressEvent } from "../report/index.js";

export const evalCheckpointsChosen = declareEvent<{ run: string; steps: number[] }>({
  code: "eval.checkpoints",
  level: "info",
  description: "eval: the checkpoint steps to evaluate (0 is the base model), from --checkpoints",
});

export const evalRunning = declareEvent<{ run: string; step: number; host: string }>({
  code: "eval.running",
  level: "info",
  description:
    "eval: the trainer's evaluate of one checkpoint runs on the run's host, in its runtime",
});

export const evalReused = declareEvent<{ run: string; step: number; evaluated_at: string }>({
  code: "eval.reused",
  level: "info",
  description:
    "eval: a stored result of the same checkpoint, train.json and trainer is reused (--force redoes it)",
});

export const evalDone = declareEvent<{
  run: string;
  step: number;
  eval_loss: number | null;
  token_accuracy: number | null;
  answers: number;
}>({
  code: "eval.done",
  level: "info",
  description: "eval: one checkpoint evaluated and its result stored in the registry",
});

export const evalJudgeProgress = declareProgressEvent({
  code: "eval.judge_progress",
  level: "info",
  description: "eval --judge: judge requests answered (two per prompt: both orders)",
});

export const evalJudged = declareEvent<{
  run: string;
  step: number;
  against: string;
  win_rate: number;
  cost_usd: number;
  reused: boolean;
}>({
  code: "eval.judged",
  level: "info",
  description:
    "eval --judge: a checkpoint's answers judged against the reference's: win rate and cost",
});
