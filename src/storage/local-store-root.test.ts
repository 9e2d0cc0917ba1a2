import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { silentReporter } from "../report/index.js";
import { createObjectStore } from "./index.js";

const made: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "tunectl-root-"));
  made.push(dir);
  return dir;
};
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const storeAt = (path: string) =>
  createObjectStore(path, { root: tmpdir(), reporter: silentReporter });
const refusal = (code: string, words: string) =>
  expect.objectContaining({ kind: "user", code, message: expect.stringContaining(words) });

describe("a local store's root", () => {
  it("is created when missing, then written", async () => {
    const root = join(tempDir(), "a", "b");
    const store = await storeAt(root);
    await store.put("datasets/x/train.jsonl", "{}\n");
    expect(readdirSync(join(root, "datasets", "x"))).toEqual(["train.jsonl"]);
  });

  it("under a file: refused naming the file", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "plain"), "x");
    const store = await storeAt(join(dir, "plain", "store"));
    await expect(store.put("k", "v")).rejects.toThrow(
      refusal("storage.bad_path", `${join(dir, "plain")} is a file, not a directory`),
    );
  });

  it("under /proc: refused, not an endless mkdir", async () => {
    const store = await storeAt("/proc/tunectl-store");
    await expect(store.put("k", "v")).rejects.toThrow(
      refusal("storage.bad_path", "cannot create /proc/tunectl-store"),
    );
  });

  it("a file where the store needs a directory: refused, no temp left", async () => {
    const root = tempDir();
    writeFileSync(join(root, "datasets"), "x");
    const store = await storeAt(root);
    await expect(store.put("datasets/x/train.jsonl", "{}")).rejects.toThrow(
      refusal("storage.bad_path", "cannot write datasets/x/train.jsonl"),
    );
    expect(readdirSync(root)).toEqual(["datasets"]);
  });

  it("a copy from a missing source is the caller's error, not the store's", async () => {
    const dir = tempDir();
    const root = join(dir, "store");
    mkdirSync(root, { recursive: true });
    const store = await storeAt(root);
    await expect(store.putFile("k", join(dir, "no-such-source"))).rejects.toMatchObject({
      code: "ENOENT",
    });
    expect(existsSync(join(root, "k"))).toBe(false);
  });
});
