import { stat } from "node:fs/promises";
import type { StorageConfig } from "../config/index.js";
import { UserError } from "../errors/index.js";
import { silentReporter, type Reporter } from "../report/index.js";
import { createObjectStore, parseS3Uri, type ObjectStore } from "../storage/index.js";
import type { OpenInput } from "./readers/record-source.js";
import { openLocalFile } from "./readers/open-input.js";

export interface InputAccess {
  open: OpenInput;
  /** What the render cache keys on: (path, size, mtime) locally, (path, size, etag) in S3. */
  identify(path: string): Promise<{ path: string; size: number; version: string }>;
  close(): void;
}

/**
 * Local files, and `s3://bucket/key` objects read with the workspace's endpoint settings
 * (the bucket may differ from the workspace's own).
 */
export function inputAccess(
  storage: StorageConfig | undefined,
  reporter: Reporter = silentReporter,
): InputAccess {
  const stores = new Map<string, Promise<ObjectStore>>();
  const storeFor = (bucket: string) => {
    let store = stores.get(bucket);
    if (!store) {
      const settings =
        typeof storage === "object" ? { ...storage, uri: `s3://${bucket}` } : `s3://${bucket}`;
      store = createObjectStore(settings, { root: process.cwd(), reporter });
      stores.set(bucket, store);
    }
    return store;
  };
  const remote = (path: string) => {
    const { bucket, prefix } = parseS3Uri(path);
    return { store: storeFor(bucket), key: prefix };
  };
  return {
    async open(path) {
      if (!path.startsWith("s3://")) return openLocalFile(path);
      const { store, key } = remote(path);
      return (await store).get(key);
    },
    async identify(path) {
      if (!path.startsWith("s3://")) {
        try {
          const info = await stat(path);
          return { path, size: info.size, version: String(info.mtimeMs) };
        } catch (error) {
          throw new UserError(`cannot read dataset ${path}: no such file`, {
            code: "data.unreadable",
            cause: error,
          });
        }
      }
      const { store, key } = remote(path);
      const info = await (await store).head(key);
      if (!info)
        throw new UserError(`cannot read dataset ${path}: no such object`, {
          code: "data.unreadable",
        });
      return { path, size: info.size, version: info.etag ?? "" };
    },
    close() {
      for (const store of stores.values())
        void store.then(
          (s) => s.close(),
          () => undefined,
        );
    },
  };
}
