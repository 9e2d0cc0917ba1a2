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
