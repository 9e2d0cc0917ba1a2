import { declareEvent } from "../report/index.js";
import type { ResolvedS3Settings } from "./s3-client-config.js";

/** The S3 client as the AWS chain and tunectl.yaml resolved it (never credentials). */
export const storageResolved = declareEvent<ResolvedS3Settings & { uri: string }>({
  code: "storage.resolved",
  level: "debug",
  description:
    "The S3 client's region, endpoint and addressing style, and whether each came from tunectl.yaml, the AWS chain or the default.",
});

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
