import { isAbsolute, resolve } from "node:path";
import type { StorageConfig } from "../config/index.js";
import { type Reporter } from "../report/index.js";
import { storageOpen, storageResolved } from "./events.js";
import { LocalObjectStore } from "./local-store.js";
import type { ObjectStore } from "./object-store.js";
import { S3ObjectStore } from "./s3-store.js";
import { resolveS3Settings, s3ClientConfig } from "./s3-client-config.js";
import { parseS3Uri } from "./s3-location.js";

export interface StoreContext {
  /** Workspace root; a relative local store path is resolved against it. */
  root: string;
  reporter: Reporter;
}

/**
 * The workspace's object store. The AWS SDK is imported only when the store is S3.
 * Credentials come only from the standard AWS chain (environment, SSO, profile, instance
 * role), never from tunectl's own files; region and endpoint too, where tunectl.yaml is silent
 * (s3-client-config.ts).
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
  const sdk = await import("@aws-sdk/client-s3");
  const resolved = await resolveS3Settings(sdk, {
    ...("endpoint" in s3 && s3.endpoint ? { endpoint: s3.endpoint } : {}),
    ...("region" in s3 && s3.region ? { region: s3.region } : {}),
    ...("path_style" in s3 && s3.path_style !== undefined ? { path_style: s3.path_style } : {}),
  });
  const endpoint = resolved.endpoint;
  const client = new sdk.S3Client(s3ClientConfig(resolved));
  storageResolved.emit(
    context.reporter,
    `${s3.uri}: region ${resolved.region} (${resolved.regionFrom})` +
      (endpoint ? `, endpoint ${endpoint} (${resolved.endpointFrom})` : "") +
      `, ${resolved.pathStyle ? "path-style" : "virtual-host"} addressing`,
    { uri: s3.uri, ...resolved },
  );
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
