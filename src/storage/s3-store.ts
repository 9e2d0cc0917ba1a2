import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { randomBytes } from "node:crypto";
import type { S3Client } from "@aws-sdk/client-s3";
import { InfraError, UserError } from "../errors/index.js";
import { systemClock, type Clock, type Reporter } from "../report/index.js";
import { objectKey, objectPrefix } from "./object-key.js";
import type { ObjectInfo, ObjectStore, PutOptions } from "./object-store.js";
import { isTransient, s3Error } from "./s3-errors.js";
import type { S3Location } from "./s3-location.js";
import { storageRetry } from "./events.js";

type S3Sdk = typeof import("@aws-sdk/client-s3");

export interface S3StoreOptions {
  client: S3Client;
  sdk: S3Sdk;
  location: S3Location;
  endpoint?: string;
  reporter: Reporter;
  clock?: Clock;
  /** Ask the server to verify a SHA-256 per part (AWS S3); off for servers that ignore it. */
  serverChecksums: boolean;
  partSize?: number;
  queueSize?: number;
  /** Whole-transfer attempts for uploads that fail on the network or a 5xx. */
  attempts?: number;
}

const MiB = 1024 * 1024;

/**
 * S3 and compatible servers. Uploads go through lib-storage (multipart, parts in parallel);
 * the SDK retries single requests, and a whole upload that still fails on the network is
 * started again with backoff. Each upload is checked after the fact: the size always, and
 * the content MD5 wherever the server's ETag is one (single-part PUTs on every server,
 * multipart on servers that return a plain MD5).
 */
export class S3ObjectStore implements ObjectStore {
  readonly uri: string;
  private readonly clock: Clock;

  constructor(private readonly options: S3StoreOptions) {
    const { bucket, prefix } = options.location;
    this.uri = `s3://${bucket}${prefix ? `/${prefix}` : ""}`;
    this.clock = options.clock ?? systemClock;
  }

  localPath(): undefined {
    return undefined;
  }

  private fullKey(key: string): string {
    const { prefix } = this.options.location;
    return prefix ? `${prefix}/${objectKey(key)}` : objectKey(key);
  }

  private fail(action: string, error: unknown): never {
    // Refused before any request (an invalid key): the user's error, not the store's.
    if (error instanceof UserError) throw error;
    throw s3Error(action, this.options.location.bucket, this.options.endpoint, error);
  }

  async put(key: string, body: Buffer | string | Readable, opts: PutOptions = {}): Promise<void> {
    const replayable = !(body instanceof Readable);
    await this.withRetries(
      `upload ${key}`,
      replayable,
      async () => {
        const md5 = createHash("md5");
        const source = body instanceof Readable ? body : Readable.from([Buffer.from(body)]);
        await this.upload(key, source.pipe(hashing(md5)), opts);
        return md5.digest("hex");
      },
      typeof body === "string"
        ? Buffer.byteLength(body)
        : Buffer.isBuffer(body)
          ? body.length
          : undefined,
    );
  }

  async putFile(key: string, file: string, opts: PutOptions = {}): Promise<void> {
    const size = (await stat(file)).size;
    await this.withRetries(
      `upload ${key}`,
      true,
      async () => {
        const md5 = createHash("md5");
        await this.upload(
          key,
          createReadStream(file, { highWaterMark: MiB }).pipe(hashing(md5)),
          opts,
          size,
        );
        return md5.digest("hex");
      },
      size,
    );
  }

  private async upload(
    key: string,
    body: Readable,
    opts: PutOptions,
    size?: number,
  ): Promise<void> {
    const { Upload } = await import("@aws-sdk/lib-storage");
    // at most 10 000 parts per object (S3's limit)
    const partSize = Math.max(this.options.partSize ?? 16 * MiB, Math.ceil((size ?? 0) / 9_000));
    const upload = new Upload({
      client: this.options.client,
      queueSize: this.options.queueSize ?? 6,
      partSize,
      leavePartsOnError: false,
      params: {
        Bucket: this.options.location.bucket,
        Key: this.fullKey(key),
        Body: body,
        ...(opts.contentType ? { ContentType: opts.contentType } : {}),
        ...(opts.metadata ? { Metadata: opts.metadata } : {}),
        ...(this.options.serverChecksums ? { ChecksumAlgorithm: "SHA256" as const } : {}),
      },
    });
    if (opts.onProgress) {
      upload.on("httpUploadProgress", (p) =>
        opts.onProgress?.({ loaded: p.loaded ?? 0, total: p.total ?? size }),
      );
    }
    await upload.done();
  }

  /** Runs an upload, verifies it, and starts it again on transient failures. */
  private async withRetries(
    action: string,
    replayable: boolean,
    attempt: () => Promise<string>,
    size: number | undefined,
  ): Promise<void> {
    const attempts = replayable ? (this.options.attempts ?? 5) : 1;
    const key = action.replace(/^upload /, "");
    for (let n = 1; ; n++) {
      try {
        const md5 = await attempt();
        await this.verify(key, md5, size);
        return;
      } catch (error) {
        const retry =
          n < attempts &&
          (isTransient(error) || (error as InfraError).code === "storage.checksum_mismatch");
        if (!retry) {
          if (error instanceof InfraError) throw error;
          this.fail(action, error);
        }
        const delayMs = Math.min(30_000, 1_000 * 2 ** (n - 1));
        storageRetry.emit(
          this.options.reporter,
          `${action} failed (${describe(error)}); retrying in ${delayMs / 1000}s`,
          { attempt: n, delay_ms: delayMs },
        );
        await this.clock.sleep(delayMs);
      }
    }
  }

  private async verify(key: string, md5: string, size: number | undefined): Promise<void> {
    const info = await this.head(key);
    const mismatch = (what: string) =>
      new InfraError(`upload ${key} to ${this.uri}: ${what} differs after upload`, {
        code: "storage.checksum_mismatch",
      });
    if (!info) throw mismatch("the object is missing");
    if (size !== undefined && info.size !== size) throw mismatch(`size (${info.size} != ${size})`);
    if (info.etag && /^[0-9a-f]{32}$/.test(info.etag) && info.etag !== md5) throw mismatch("MD5");
  }

  async get(key: string): Promise<Readable> {
    const { GetObjectCommand } = this.options.sdk;
    try {
      const res = await this.options.client.send(
        new GetObjectCommand({ Bucket: this.options.location.bucket, Key: this.fullKey(key) }),
      );
      return res.Body as Readable;
    } catch (error) {
      this.fail(`read ${key}`, error);
    }
  }

  async getBuffer(key: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of await this.get(key)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  async getFile(key: string, file: string): Promise<void> {
    await mkdir(dirname(file), { recursive: true });
    const temp = `${file}.tunectl-tmp-${randomBytes(4).toString("hex")}`;
    try {
      await pipeline(await this.get(key), createWriteStream(temp));
      await rename(temp, file);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const { HeadObjectCommand } = this.options.sdk;
    try {
      const res = await this.options.client.send(
        new HeadObjectCommand({ Bucket: this.options.location.bucket, Key: this.fullKey(key) }),
      );
      return {
        size: res.ContentLength ?? 0,
        ...(res.ETag ? { etag: res.ETag.replace(/"/g, "") } : {}),
        ...(res.Metadata ? { metadata: res.Metadata } : {}),
      };
    } catch (error) {
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata
        ?.httpStatusCode;
      if (status === 404 && (error as Error).name !== "NoSuchBucket") return undefined;
      this.fail(`look up ${key}`, error);
    }
  }

  async *list(prefix: string): AsyncIterable<{ key: string; size: number }> {
    const { ListObjectsV2Command } = this.options.sdk;
    const base = this.options.location.prefix ? `${this.options.location.prefix}/` : "";
    let token: string | undefined;
    do {
      let res;
      try {
        res = await this.options.client.send(
          new ListObjectsV2Command({
            Bucket: this.options.location.bucket,
            Prefix: base + objectPrefix(prefix),
            ContinuationToken: token,
          }),
        );
      } catch (error) {
        this.fail(`list ${prefix}`, error);
      }
      for (const item of res.Contents ?? []) {
        if (item.Key) yield { key: item.Key.slice(base.length), size: item.Size ?? 0 };
      }
      token = res.IsTruncated ? res.NextContinuationToken : undefined;
    } while (token);
  }

  async delete(key: string): Promise<void> {
    const { DeleteObjectCommand } = this.options.sdk;
    try {
      await this.options.client.send(
        new DeleteObjectCommand({ Bucket: this.options.location.bucket, Key: this.fullKey(key) }),
      );
    } catch (error) {
      this.fail(`delete ${key}`, error);
    }
  }

  async presignGet(key: string, expiresSeconds: number): Promise<string> {
    const { getSignedUrl } = await import("@aws-sdk/s3-request-presigner");
    const { GetObjectCommand } = this.options.sdk;
    const command = new GetObjectCommand({
      Bucket: this.options.location.bucket,
      Key: this.fullKey(key),
    });
    return getSignedUrl(this.options.client, command, { expiresIn: expiresSeconds });
  }

  close(): void {
    this.options.client.destroy();
  }
}

function hashing(hash: ReturnType<typeof createHash>): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
  });
}

function describe(error: unknown): string {
  const e = error as { name?: string; code?: string; message?: string };
  return e.code ?? e.name ?? e.message ?? String(error);
}
