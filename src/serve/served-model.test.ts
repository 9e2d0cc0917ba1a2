import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { ExportDeps } from "../export/index.js";
import { prepareModel } from "./served-model.js";

const dir = mkdtempSync(path.join(tmpdir(), "tunectl-served-model-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const noExport = {} as ExportDeps;

function modelDir(name: string, files: Record<string, string>): string {
  const at = path.join(dir, name);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(at, file)), { recursive: true });
    writeFileSync(path.join(at, file), text);
  }
  return at;
}

describe("prepareModel --model PATH", () => {
  it("serves full weights as they are, named after the directory", async () => {
    const at = modelDir("merged", { "config.json": "{}" });
    expect(await prepareModel(noExport, dir, { kind: "path", dir: at }, "transformers")).toEqual({
      dir: at,
      weights: "full",
      name: "tunectl/merged",
    });
  });
  it("an adapter goes to vLLM with its base and rank (builtin:tiny's base inside it)", async () => {
    const at = modelDir("adapter", {
      "adapter_config.json": JSON.stringify({ base_model_name_or_path: "builtin:tiny", r: 8 }),
      "base/config.json": "{}",
    });
    expect((await prepareModel(noExport, dir, { kind: "path", dir: at }, "vllm")).adapter).toEqual({
      base: "base",
      baseInDir: true,
      rank: 8,
    });
  });
  it("refuses an adapter for transformers serve, and a directory that is no model", async () => {
    const adapter = path.join(dir, "adapter");
    await expect(
      prepareModel(noExport, dir, { kind: "path", dir: adapter }, "transformers"),
    ).rejects.toMatchObject({ code: "serve.adapter_needs_merge", kind: "user" });
    await expect(
      prepareModel(noExport, dir, { kind: "path", dir: path.join(dir, "nothing") }, "vllm"),
    ).rejects.toMatchObject({ code: "serve.bad_model", kind: "user" });
  });
});
