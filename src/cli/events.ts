import type { Problem } from "../errors/index.js";
import { declareEvent } from "../report/index.js";

/** Events the commands themselves report (the core's live in each module's events.ts). */

export const commandFailed = declareEvent<{ error: string; kind: string }>({
  code: "command.failed",
  level: "error",
  description: "the command ended with an error: `error` is the error's code, `kind` its family",
});

export const runStarted = declareEvent<{ run: string; host: string }>({
  code: "run.started",
  level: "info",
  description: "run: the trainer runs and the command follows it (Ctrl-C detaches)",
});

export const runDetached = declareEvent<{ run: string; host: string }>({
  code: "run.detached",
  level: "info",
  description: "run --detach: the trainer runs and the command returns",
});

export const runResumed = declareEvent<{ run: string; attempt: number; host: string }>({
  code: "run.resumed",
  level: "info",
  description: "resume: a new attempt runs and the command follows it",
});

export const runMetric = declareEvent<{
  run: string;
  step: number;
  total_steps?: number;
  loss?: number;
  ema_loss?: number;
  eval_loss?: number;
}>({
  code: "run.metric",
  level: "info",
  description: "off a terminal: one line per logged train or eval step of a followed run",
});

export const runSucceeded = declareEvent<{ run: string }>({
  code: "run.succeeded",
  level: "info",
  description: "the followed run ended succeeded",
});

export const runCancelling = declareEvent<{ run: string }>({
  code: "run.cancelling",
  level: "info",
  description: "cancel: the run is being stopped",
});

export const dataWarning = declareEvent<Problem>({
  code: "data.warning",
  level: "warn",
  description: "data validate: a record kept with a warning (an empty output, say)",
});

export const dataDuplicate = declareEvent<{ where?: string; first?: string; more?: number }>({
  code: "data.duplicate",
  level: "warn",
  description: "data validate: a record repeats an earlier one (the first five, then a count)",
});

export const dataWritten = declareEvent<{ file: string; records: number }>({
  code: "data.written",
  level: "info",
  description: "data render --out: the rendered records were written to the file",
});

export const compareHtmlWritten = declareEvent<{ file: string }>({
  code: "compare.html_written",
  level: "info",
  description: "compare --html: the report was written",
});

export const checkpointsHostUnavailable = declareEvent<{ host: string }>({
  code: "monitor.host_unavailable",
  level: "warn",
  description: "checkpoints: the run's host did not answer in time; its column shows unknown",
});

export const runData = declareEvent<{
  run: string;
  attempt: number;
  split: string;
  records?: number;
  truncated?: number;
  dropped?: number;
  tokens?: number;
  max_seq_len?: number;
}>({
  code: "run.data",
  level: "info",
  description:
    "the trainer of a followed run read a split: its own count of records, records truncated at max_seq_len, dropped (no trained token) and tokens",
});
