import type { ObjectStore } from "../storage/index.js";

/**
 * The slices of other modules' ports that monitoring needs, stated here so this module
 * depends on behaviour, not on a concrete client: the hosts module's `RemoteHost` and the
 * storage module's `ObjectStore` satisfy them structurally.
 */
export interface StreamOptions {
  onStdout(chunk: Buffer): void;
  onStderr?(chunk: Buffer): void;
  signal?: AbortSignal;
}

export interface HostFileStat {
  size: number;
  mtimeMs: number;
  /** Type of the path itself: symlinks are not followed. */
  type: "file" | "directory" | "symlink" | "other";
}

export interface MonitorHost {
  readonly name: string;
  exec(
    argv: string[],
    options?: { timeoutMs?: number },
  ): Promise<{ code: number | null; stdout: string; stderr: string; timedOut?: boolean }>;
  script(
    script: string,
    args?: string[],
    options?: { timeoutMs?: number },
  ): Promise<{ code: number | null; stdout: string; stderr: string; timedOut?: boolean }>;
  stream(argv: string[], options: StreamOptions): Promise<{ code: number | null; signal?: string }>;
  readFile(path: string, options?: { offset?: number; length?: number }): Promise<Buffer>;
  stat(path: string): Promise<HostFileStat | null>;
  /** With `offset`, appends the remote bytes from there to an existing local file. */
  getFile(remotePath: string, localPath: string, options?: { offset?: number }): Promise<void>;
}

export interface StoredObject {
  key: string;
  size: number;
}

/** What monitoring uses of the storage module's ObjectStore. */
export type BucketStore = Pick<
  ObjectStore,
  "put" | "putFile" | "getBuffer" | "head" | "list" | "delete"
>;

export async function listAll(store: BucketStore, prefix: string): Promise<StoredObject[]> {
  const found: StoredObject[] = [];
  for await (const object of store.list(prefix)) found.push(object);
  return found;
}
