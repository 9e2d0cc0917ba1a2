import { declareEvent, declareProgressEvent } from "../report/index.js";

export const dataSource = declareEvent<{ path: string; records: number; invalid: number }>({
  code: "data.source",
  level: "debug",
  description: "one data source of the experiment was read: its records and invalid records",
});

export const dataSkipped = declareEvent<{ invalid: number }>({
  code: "data.skipped",
  level: "warn",
  description: "invalid records were left out because data.on_error is skip",
});

export const dataWarnings = declareEvent<{ warnings: number }>({
  code: "data.warnings",
  level: "warn",
  description: "records were kept with warnings (empty outputs and the like)",
});

export const dataCacheHit = declareEvent<{ fingerprint: string }>({
  code: "data.cache_hit",
  level: "info",
  description: "the rendered dataset in the local cache matches the inputs and is reused",
});

export const dataRendered = declareEvent<{
  fingerprint: string;
  records: { train: number; eval: number };
}>({
  code: "data.rendered",
  level: "info",
  description: "the experiment's data was rendered into the local cache",
});

export const stageSkipped = declareEvent<{ uri: string }>({
  code: "stage.skipped",
  level: "info",
  description: "the bucket already holds this dataset, complete: nothing uploaded",
});

export const stageProgress = declareProgressEvent({
  code: "stage.progress",
  level: "info",
  description:
    "bytes of the dataset uploaded so far (at most four a second, and at each file's end)",
});

export const stageDone = declareEvent<{ uri: string; bytes: number }>({
  code: "stage.done",
  level: "info",
  description: "the dataset was uploaded, manifest last",
});

/** Another tunectl process published the same rendered data first; its cache entry is used. */
export const renderShared = declareEvent<{ fingerprint: string }>({
  code: "data.render_shared",
  level: "info",
  description:
    "the data rendered the same as a cache entry another process finished first; that entry is used",
});

type CountedTokens = {
  tokenizer: string;
  max_seq_len: number;
  records: number;
  truncated: number;
  dropped: number;
  tokens: number;
  length: { min: number; p50: number; p90: number; p99: number; max: number };
};

export const dataTokens = declareEvent<CountedTokens & { split: "train" | "eval" }>({
  code: "data.tokens",
  level: "info",
  description:
    "a split of the rendered data counted with the model's tokenizer: records truncated at max_seq_len, dropped (no trained token), tokens, length percentiles",
});

export const dataTokensUnavailable = declareEvent<{ tokenizer: string; reason: string }>({
  code: "data.tokens_unavailable",
  level: "warn",
  description:
    "the model's tokenizer is not readable here (a path on the GPU host, no hub access): tokens are counted only by the trainer",
});

export const dataTruncationAllowed = declareEvent<{
  records: number;
  truncated: number;
  dropped: number;
}>({
  code: "data.truncation_allowed",
  level: "warn",
  description:
    "more records are cut at max_seq_len (or dropped) than data.max_truncated_fraction allows; data.allow_truncation accepts it",
});
