import type { Readable } from "node:stream";

export interface TransferProgress {
  loaded: number;
  total?: number;
}

export interface PutOptions {
  contentType?: string;
  /** Stored with the object (S3 user metadata, a sidecar-free no-op for the local store). */
  metadata?: Record<string, string>;
  onProgress?: (progress: TransferProgress) => void;
}

export interface ObjectInfo {
  size: number;
  etag?: string;
  metadata?: Record<string, string>;
}

/**
 * The object store port: a bucket (S3 or compatible) or a local directory. Keys are relative
 * to the store's root (the URI's prefix) and validated by objectKey() before any request.
 */
export interface ObjectStore {
  /** `s3://bucket/prefix` or `file:///abs/dir`. */
  readonly uri: string;
  put(key: string, body: Buffer | string | Readable, opts?: PutOptions): Promise<void>;
  putFile(key: string, file: string, opts?: PutOptions): Promise<void>;
  get(key: string): Promise<Readable>;
  getBuffer(key: string): Promise<Buffer>;
  getFile(key: string, file: string): Promise<void>;
  /** Undefined when the object does not exist. */
  head(key: string): Promise<ObjectInfo | undefined>;
  list(prefix: string): AsyncIterable<{ key: string; size: number }>;
  delete(key: string): Promise<void>;
  /** A time-limited GET URL; undefined for the local store. */
  presignGet(key: string, expiresSeconds: number): Promise<string | undefined>;
  /** The file behind a key; local store only. */
  localPath(key: string): string | undefined;
  /** Release connections. */
  close(): void;
}
