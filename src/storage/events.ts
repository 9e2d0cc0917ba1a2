import { declareEvent } from "../report/index.js";

export const storageOpen = declareEvent<{ uri: string; endpoint?: string }>({
  code: "storage.open",
  level: "debug",
  description: "an S3 object store client was created for the workspace's storage",
});

export const storageRetry = declareEvent<{ attempt: number; delay_ms: number }>({
  code: "storage.retry",
  level: "warn",
  description: "a storage request failed with a retryable error and is tried again after delay_ms",
});
