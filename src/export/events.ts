import { declareEvent, declareProgressEvent } from "../report/index.js";

export const exportCheckpointChosen = declareEvent<{
  run: string;
  step: number;
  chosen_by: "requested" | "best_eval_loss" | "newest";
}>({
  code: "export.checkpoint",
  level: "info",
  description:
    "export: the checkpoint being exported, and why (--checkpoint, the best eval loss, or the newest)",
});

export const exportCheckpointFetched = declareEvent<{
  run: string;
  step: number;
  from: "host" | "bucket";
}>({
  code: "export.fetched",
  level: "info",
  description:
    "export: the checkpoint was not in the registry and was pulled from the host or bucket",
});

export const exportRunning = declareEvent<{ run: string; step: number; where: string }>({
  code: "export.running",
  level: "info",
  description:
    "export: the trainer's export runs (locally or on the run's host), merging weights with --merge",
});

export const exportCopyProgress = declareProgressEvent({
  code: "export.copy_progress",
  level: "info",
  description: "export --on-host: the exported files copied back from the host",
});

export const exportWritten = declareEvent<{
  run: string;
  step: number;
  out: string;
  merged: boolean;
}>({
  code: "export.written",
  level: "info",
  description: "export: the output directory is complete, renamed into place",
});
