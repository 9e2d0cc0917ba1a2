import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { silentReporter } from "../report/index.js";
import { createObjectStore, objectKey } from "./index.js";

describe("object keys", () => {
  it.each([
    ["../etc/passwd", "`.` and `..` segments are not allowed"],
    ["a/../../b", "`.` and `..` segments are not allowed"],
    ["/abs", "must not start with /"],
    ["a\u0000b", "control characters"],
    ["a//b", "empty path segment"],
    ["", "empty"],
  ])("refuses %j", (key, why) => {
    expect(() => objectKey(key)).toThrow(
      expect.objectContaining({
        kind: "user",
        code: "storage.bad_key",
        message: expect.stringContaining(why),
      }),
    );
  });

  it("accepts ordinary keys", () => {
    expect(objectKey("datasets/abc/train.jsonl")).toBe("datasets/abc/train.jsonl");
  });
});

describe("the local store", () => {
  it("writes atomically, reads back, lists, heads and deletes", async () => {
    const root = mkdtempSync(join(tmpdir(), "tunectl-store-test-"));
    const store = await createObjectStore(".tunectl/store", { root, reporter: silentReporter });
    expect(store.uri).toBe(`file://${root}/.tunectl/store`);
    await store.put("a/b.txt", "hello");
    await store.put("a/c.txt", Readable.from([Buffer.from("streamed")]));
    const src = join(root, "src.bin");
    writeFileSync(src, Buffer.alloc(1000, 7));
    const seen: number[] = [];
    await store.putFile("d/e.bin", src, { onProgress: (p) => seen.push(p.loaded) });
    expect(seen).toEqual([1000]);
    expect((await store.getBuffer("a/b.txt")).toString()).toBe("hello");
    expect(await store.head("d/e.bin")).toEqual({ size: 1000 });
    expect(await store.head("nope")).toBeUndefined();
    const listed = [];
    for await (const item of store.list("a/")) listed.push(item);
    expect(listed).toEqual([
      { key: "a/b.txt", size: 5 },
      { key: "a/c.txt", size: 8 },
    ]);
    expect(readdirSync(join(root, ".tunectl/store/a"))).toEqual(["b.txt", "c.txt"]); // no temp files left
    await store.getFile("a/c.txt", join(root, "out/c.txt"));
    expect(await store.presignGet("a/b.txt", 60)).toBeUndefined();
    await store.delete("a/b.txt");
    expect(await store.head("a/b.txt")).toBeUndefined();
    await expect(store.get("a/b.txt")).rejects.toMatchObject({ code: "storage.not_found" });
    await expect(store.put("../escape", "x")).rejects.toMatchObject({ code: "storage.bad_key" });
  });
});
