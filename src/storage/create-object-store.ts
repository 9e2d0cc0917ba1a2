import { isAbsolute, resolve } from "node:path";
import type { StorageConfig } from "../config/index.js";
import { type Reporter } from "../report/index.js";
import { LocalObjectStore } from "./local-store.js";
import type { ObjectStore } from "./object-store.js";
import { S3ObjectStore } from "./s3-store.js";
import { parseS3Uri } from "./s3-location.js";
import { storageOpen } from "./events.js";

export interface StoreContext {
  /** Workspace root; a relative local store path is resolved against it. */
  root: string;
  reporter: Reporter;
}

/**
 * The workspace's object store. The AWS SDK is imported only when the store is S3.
 * Credentials come only from the standard AWS chain (environment, profile, instance role),
 * never from tunectl's own files.
 */
export async function createObjectStore(
  storage: StorageConfig,
  context: StoreContext,
): Promise<ObjectStore> {
  const s3 =
    typeof storage === "string"
      ? storage.startsWith("s3://")
        ? { uri: storage }
        : undefined
      : storage;
  if (!s3) {
    const dir = isAbsolute(storage as string)
      ? (storage as string)
      : resolve(context.root, storage as string);
    return new LocalObjectStore(dir);
  }
  const location = parseS3Uri(s3.uri);
  const endpoint = "endpoint" in s3 ? s3.endpoint : undefined;
  const region = ("region" in s3 ? s3.region : undefined) ?? process.env.AWS_REGION ?? "us-east-1";
  const pathStyle = "path_style" in s3 ? Boolean(s3.path_style) : false;
  const sdk = await import("@aws-sdk/client-s3");
  const client = new sdk.S3Client({
    region,
    ...(endpoint ? { endpoint } : {}),
    forcePathStyle: pathStyle,
    maxAttempts: 4,
    retryMode: "standard",
    // S3-compatible servers differ in checksum support; AWS itself verifies SHA-256 per part
    requestChecksumCalculation: endpoint ? "WHEN_REQUIRED" : "WHEN_SUPPORTED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  storageOpen.emit(context.reporter, `object store ${s3.uri}${endpoint ? ` at ${endpoint}` : ""}`, {
    uri: s3.uri,
    ...(endpoint ? { endpoint } : {}),
  });
  return new S3ObjectStore({
    client,
    sdk,
    location,
    ...(endpoint ? { endpoint } : {}),
    reporter: context.reporter,
    serverChecksums: !endpoint,
  });
}
