import { declareEvent } from "../report/index.js";

export const monitorStreamBusy = declareEvent<{ pid: number }>({
  code: "monitor.stream_busy",
  level: "info",
  description: "another tunectl process already streams this attempt; this one only reads",
});

export const monitorDrainIncomplete = declareEvent<{ host: string; error: string }>({
  code: "monitor.drain_incomplete",
  level: "warn",
  description:
    "the end of an attempt's log and metrics could not be copied; tunectl sync catches up",
});

export const monitorStreamDropped = declareEvent<{ host: string }>({
  code: "monitor.stream_dropped",
  level: "debug",
  description: "a stream channel to the host ended; it is opened again from the local offsets",
});

export const monitorRemoteTruncated = declareEvent<{ host: string; file: string; size: number }>({
  code: "monitor.remote_truncated",
  level: "warn",
  description: "a file on the host is shorter than what was already copied; streaming waits",
});

export const monitorUnreachable = declareEvent<{
  host: string;
  seconds: number;
  since?: string;
  error?: string;
}>({
  code: "monitor.unreachable",
  level: "warn",
  description: "the host of a running attempt has not answered for `seconds`; still retrying",
});

export const monitorReconnected = declareEvent<{ host: string; seconds: number }>({
  code: "monitor.reconnected",
  level: "info",
  description: "the host answers again after `seconds` unreachable",
});

export const monitorMirrorFailed = declareEvent({
  code: "monitor.mirror_failed",
  level: "debug",
  description: "a round of the bucket mirror of the run failed; the next round retries",
});

export const checkpointSyncFailed = declareEvent({
  code: "checkpoint.sync_failed",
  level: "warn",
  description: "a checkpoint sync round failed as a whole; the next round retries",
});

type OnHost = { host: string };

export const checkpointHostUnavailable = declareEvent<OnHost>({
  code: "checkpoint.host_unavailable",
  level: "debug",
  description: "the host's checkpoints could not be listed this round",
});

export const checkpointPullFailed = declareEvent<OnHost>({
  code: "checkpoint.pull_failed",
  level: "debug",
  description: "copying a checkpoint from the host failed this round",
});

export const checkpointUploadFailed = declareEvent<OnHost>({
  code: "checkpoint.upload_failed",
  level: "debug",
  description: "uploading a checkpoint to the bucket failed this round",
});

export const checkpointRetentionFailed = declareEvent<OnHost>({
  code: "checkpoint.retention_failed",
  level: "debug",
  description: "removing checkpoints beyond save_total_limit failed this round",
});

export const checkpointPulled = declareEvent<{ step: number; bytes: number; host: string }>({
  code: "checkpoint.pulled",
  level: "info",
  description: "a complete checkpoint (manifest checked) was copied from the host",
});

export const checkpointUploaded = declareEvent<{ step: number }>({
  code: "checkpoint.uploaded",
  level: "info",
  description: "a local checkpoint was uploaded to the run's bucket mirror",
});

export const checkpointRemoved = declareEvent<{ step: number }>({
  code: "checkpoint.removed",
  level: "info",
  description: "a checkpoint the trainer removed on the host was removed here and in the bucket",
});

export const checkpointRefused = declareEvent<{ host: string; name: string; reason: string }>({
  code: "checkpoint.refused",
  level: "warn",
  description: "an entry in the host's checkpoints directory was refused (not a plain step-N)",
});

export const settleDeferred = declareEvent<{
  host: string;
  attempt: number;
  metrics: { local: number; host: number | null };
  log: { local: number; host: number | null };
  reason: string;
}>({
  code: "monitor.settle_deferred",
  level: "warn",
  description:
    "an exited attempt is not settled yet: its local metrics or log are behind the host's files (checked again on the next poll)",
});

export const tensorboardPullFailed = declareEvent<{ host: string; error: string }>({
  code: "monitor.tensorboard_pull_failed",
  level: "warn",
  description:
    "the attempt's TensorBoard event files could not be copied home this round; the next round or tunectl sync retries",
});
