// The testbed's S3 server speaks the real protocol to the real AWS SDK, and keeps data across restarts.
import { createHash, randomBytes } from "node:crypto";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { afterAll, describe, expect, it } from "vitest";
import { loadTestbed } from "../setup/testbed.js";

const tb = loadTestbed();
const client = new S3Client({ ...tb.s3ClientConfig(), maxAttempts: 2 });
const Bucket = tb.s3.bucket;
const key = (name: string) => `${tb.s3.prefix}/testbed-test/${process.pid}/${name}`;
const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

async function read(Key: string): Promise<Buffer> {
  const res = await client.send(new GetObjectCommand({ Bucket, Key }));
  return Buffer.from(await res.Body!.transformToByteArray());
}

afterAll(async () => {
  for (const name of ["small.bin", "big.bin", "kept.txt"]) {
    await client.send(new DeleteObjectCommand({ Bucket, Key: key(name) })).catch(() => undefined);
  }
  client.destroy();
});

describe("testbed S3 server", () => {
  it("reads back an object byte-identical", async () => {
    const body = randomBytes(1024 * 1024 + 17);
    await client.send(new PutObjectCommand({ Bucket, Key: key("small.bin"), Body: body }));
    expect(sha256(await read(key("small.bin")))).toBe(sha256(body));
  });

  it("completes a 64 MiB multipart upload and reads it back byte-identical", async () => {
    const body = randomBytes(64 * 1024 * 1024 + 123);
    const upload = new Upload({
      client,
      params: { Bucket, Key: key("big.bin"), Body: body },
      partSize: 8 * 1024 * 1024,
      queueSize: 4,
    });
    const parts = new Set<number>();
    upload.on("httpUploadProgress", (p) => p.part && parts.add(p.part));
    await upload.done();
    expect(parts.size).toBe(9);
    const head = await client.send(new HeadObjectCommand({ Bucket, Key: key("big.bin") }));
    expect(head.ContentLength).toBe(body.length);
    expect(sha256(await read(key("big.bin")))).toBe(sha256(body));
  });

  it("keeps its data across stop-s3 / start-s3, and refuses connections while stopped", async () => {
    await client.send(
      new PutObjectCommand({ Bucket, Key: key("kept.txt"), Body: "survives a restart" }),
    );
    await tb.stopS3();
    try {
      const started = Date.now();
      await expect(read(key("kept.txt"))).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      await tb.startS3();
    }
    expect((await read(key("kept.txt"))).toString()).toBe("survives a restart");
  });
});
