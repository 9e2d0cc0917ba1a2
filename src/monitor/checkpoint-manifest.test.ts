import { describe, expect, it } from "vitest";
import { parseManifest } from "./checkpoint-manifest.js";

const sha = "a".repeat(64);
const manifest = (fields: Record<string, unknown>) =>
  Buffer.from(
    JSON.stringify({
      format: 1,
      run_id: "r",
      step: 4,
      created: 1,
      metrics: { loss: 1.5, eval_loss: null },
      files: [{ path: "adapter_model.safetensors", size: 7, sha256: sha }],
      ...fields,
    }),
  );

describe("a checkpoint manifest read back from a host", () => {
  it("is accepted in the contract's shape", () => {
    const checked = parseManifest(manifest({}), 4);
    expect("manifest" in checked && checked.manifest.metrics).toEqual({
      loss: 1.5,
      eval_loss: null,
    });
  });

  it.each([
    [{ step: 5 }, "manifest step 5 differs from step-4"],
    [{ files: [{ path: "a", size: -1, sha256: sha }] }, "files.0.size: "],
    [{ files: [{ path: "a", size: 1, sha256: "x" }] }, "files.0.sha256: must be 64 lowercase"],
    [{ files: [{ path: "../id_rsa", size: 1, sha256: sha }] }, 'unsafe file name "../id_rsa"'],
    [{ files: [{ path: "manifest.json", size: 1, sha256: sha }] }, "unsafe file name"],
    [{ format: 2 }, "format: "],
    [{ files: undefined }, "files: "],
  ])("refuses %j with a reason", (fields, problem) => {
    const checked = parseManifest(manifest(fields), 4);
    expect("problem" in checked && checked.problem).toContain(problem);
  });

  it("refuses a file listed twice and text that is not JSON", () => {
    const file = { path: "a.bin", size: 1, sha256: sha };
    expect(parseManifest(manifest({ files: [file, file] }), 4)).toEqual({
      problem: "file a.bin listed twice",
    });
    expect(parseManifest(Buffer.from("{"), 4)).toEqual({
      problem: "manifest.json breaks the trainer contract: not valid JSON",
    });
  });
});
