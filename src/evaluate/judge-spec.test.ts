import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { isTunectlError } from "../errors/index.js";
import { loadJudgeSpec } from "./judge-spec.js";

const dir = mkdtempSync(path.join(tmpdir(), "tunectl-judge-"));

function spec(text: string): string {
  const file = path.join(dir, `${Math.random().toString(16).slice(2)}.yaml`);
  writeFileSync(file, text);
  return file;
}

async function refusal(
  load: Promise<unknown>,
): Promise<{ code: string; message: string; describe(): string }> {
  try {
    await load;
  } catch (error) {
    if (isTunectlError(error)) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("judge specs", () => {
  const endpoint =
    "endpoint: {base_url: http://127.0.0.1:9/v1, model: m, api_key_secret: JUDGE_KEY}\n";

  it("reads the key from the named secret, with defaults for the rest", async () => {
    const loaded = await loadJudgeSpec(spec(endpoint), dir, { JUDGE_KEY: "sk-test" });
    expect(loaded.apiKey).toBe("sk-test");
    expect(loaded.spec.pricing).toEqual({ input_per_1m_usd: 0, output_per_1m_usd: 0 });
    expect(loaded.spec.max_attempts).toBe(3);
  });

  it("refuses a secret that is not set, naming it", async () => {
    const missing = await refusal(loadJudgeSpec(spec(endpoint), dir, {}));
    expect(missing.code).toBe("eval.judge_secret_missing");
    expect(missing.message).toContain("JUDGE_KEY");
  });

  it("refuses an unknown key at its place in the file", async () => {
    const bad = await refusal(
      loadJudgeSpec(spec(`${endpoint}temprature: 0\n`), dir, { JUDGE_KEY: "k" }),
    );
    expect(bad.code).toBe("eval.invalid_judge");
    expect(bad.describe()).toMatch(/\.yaml:2:1\b.*temprature|temprature.*\.yaml:2/);
  });
});
