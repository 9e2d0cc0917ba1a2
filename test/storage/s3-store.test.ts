// The S3 ObjectStore against the testbed's real S3 server, through the real AWS SDK.
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RecordingReporter } from "../../src/report/index.js";
import { createObjectStore, type ObjectStore } from "../../src/storage/index.js";
import { loadTestbed } from "../setup/testbed.js";
import { cuttableProxy } from "./cuttable-proxy.js";

const tb = loadTestbed();
const dir = mkdtempSync(join(tmpdir(), "tunectl-s3-test-"));
const prefix = `${tb.s3.prefix}/storage-test-${process.pid}`;
const settings = (endpoint = tb.s3.endpoint, bucket = tb.s3.bucket) => ({
  uri: `s3://${bucket}/${prefix}`,
  endpoint,
  region: tb.s3.region,
  path_style: true,
});
const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");
let store: ObjectStore;

beforeAll(async () => {
  Object.assign(process.env, tb.env());
  store = await createObjectStore(settings(), { root: dir, reporter: new RecordingReporter() });
});

afterAll(async () => {
  for await (const item of store.list("")) await store.delete(item.key);
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("S3 object store on the testbed server", () => {
  it("puts, heads, lists, reads back, presigns and deletes", async () => {
    await store.put("small/a.txt", "hello", { metadata: { sha256: "x" } });
    expect(await store.head("small/a.txt")).toMatchObject({
      size: 5,
      etag: createHash("md5").update("hello").digest("hex"),
    });
    expect((await store.getBuffer("small/a.txt")).toString()).toBe("hello");
    const url = await store.presignGet("small/a.txt", 60);
    expect(await (await fetch(url!)).text()).toBe("hello");
    const keys = [];
    for await (const item of store.list("small/")) keys.push(item);
    expect(keys).toEqual([{ key: "small/a.txt", size: 5 }]);
    await store.getFile("small/a.txt", join(dir, "got.txt"));
    expect(readFileSync(join(dir, "got.txt"), "utf8")).toBe("hello");
    await store.delete("small/a.txt");
    expect(await store.head("small/a.txt")).toBeUndefined();
  });

  it("uploads a multipart object (parts in parallel) byte-identical, with progress", async () => {
    const body = randomBytes(40 * 1024 * 1024 + 5);
    const file = join(dir, "big.bin");
    writeFileSync(file, body);
    const seen: number[] = [];
    await store.putFile("big/big.bin", file, { onProgress: (p) => seen.push(p.loaded) });
    expect(seen.length).toBeGreaterThanOrEqual(3); // 16 MiB parts: three of them
    expect(seen[seen.length - 1]).toBe(body.length);
    expect(sha256(await store.getBuffer("big/big.bin"))).toBe(sha256(body));
  });

  it("starts an upload again when the link is cut mid-transfer", async () => {
    const proxy = await cuttableProxy(tb.s3.endpoint);
    const reporter = new RecordingReporter();
    const viaProxy = await createObjectStore(settings(proxy.endpoint), { root: dir, reporter });
    try {
      const body = randomBytes(48 * 1024 * 1024);
      const file = join(dir, "cut.bin");
      writeFileSync(file, body);
      let cut = false;
      await viaProxy.putFile("cut/cut.bin", file, {
        onProgress: (p) => {
          if (!cut && p.loaded > 0) {
            cut = true;
            proxy.cut(6_000);
          }
        },
      });
      expect(cut).toBe(true);
      expect(reporter.codes()).toContain("storage.retry");
      expect(sha256(await store.getBuffer("cut/cut.bin"))).toBe(sha256(body));
    } finally {
      viaProxy.close();
      await proxy.close();
    }
  }, 120_000);

  it("names a bucket that does not exist (infrastructure error, exit 3)", async () => {
    const missing = await createObjectStore(settings(tb.s3.endpoint, "no-such-bucket-tunectl"), {
      root: dir,
      reporter: new RecordingReporter(),
    });
    try {
      await expect(missing.put("x.txt", "x")).rejects.toMatchObject({
        kind: "infra",
        code: "storage.no_such_bucket",
        message: expect.stringContaining('bucket "no-such-bucket-tunectl"'),
      });
    } finally {
      missing.close();
    }
  });

  it("says the store is unreachable when nothing listens", async () => {
    const dead = await createObjectStore(settings("http://127.0.0.1:9"), {
      root: dir,
      reporter: new RecordingReporter(),
    });
    try {
      await expect(dead.head("x")).rejects.toMatchObject({
        kind: "infra",
        code: "storage.unreachable",
      });
    } finally {
      dead.close();
    }
  });
});
