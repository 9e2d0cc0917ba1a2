import { declareEvent } from "../report/index.js";

/** Events of sweeps (src/sweep): the scheduler, Optuna's asks and tells, early stopping. */

export const sweepTrialStarted = declareEvent<{
  sweep: string;
  trial: string;
  run: string;
  how: "new" | "follow" | "resume";
}>({
  code: "sweep.trial_started",
  level: "info",
  description:
    "the scheduler took up a trial: a new run, an active run it follows again, or an interrupted run resumed from its checkpoint",
});

export const sweepTrialEnded = declareEvent<{
  sweep: string;
  trial: string;
  run: string;
  state: string;
}>({
  code: "sweep.trial_ended",
  level: "info",
  description: "a trial's run ended (or was detached from on Ctrl-C)",
});

export const sweepTrialAsked = declareEvent<{
  sweep: string;
  optuna_trial: number;
  trials: string[];
}>({
  code: "sweep.trial_asked",
  level: "info",
  description: "Optuna's sampler asked for a configuration: one trial per seed",
});

export const sweepTrialTold = declareEvent<{
  sweep: string;
  optuna_trial: number;
  state: "complete" | "failed" | "pruned";
  value?: number;
}>({
  code: "sweep.trial_told",
  level: "info",
  description:
    "Optuna's study was told a configuration's result: the mean final metric of its trials, failed, or pruned",
});

export const sweepTrialPruned = declareEvent<{
  sweep: string;
  trial: string;
  run: string;
  step: number;
  value: number;
}>({
  code: "sweep.trial_pruned",
  level: "info",
  description:
    "early stopping: Optuna's pruner stopped a trial at a rung; its run is cancelled through the normal cancel (checkpoint kept)",
});

export const sweepPruneFailed = declareEvent<{ sweep: string; run: string; error: string }>({
  code: "sweep.prune_failed",
  level: "warn",
  description: "a pruned trial's run could not be cancelled (it runs to its end)",
});

export const sweepCancelled = declareEvent<{ sweep: string; runs: string[] }>({
  code: "sweep.cancelled",
  level: "info",
  description: "tunectl sweep cancel marked the sweep cancelled and cancelled its active trials",
});
