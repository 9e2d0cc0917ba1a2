import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { stringify } from "yaml";

// Drives the built CLI as a person would (npm test builds before the unit suite).
const bin = path.resolve("bin", "tunectl.js");
const configs = path.resolve("configs");

function tunectl(args: string[], cwd: string, env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    encoding: "utf8",
    // HF_HUB_OFFLINE: a hub model's tokenizer is never fetched from a unit test
    env: { PATH: process.env.PATH ?? "", NO_COLOR: "1", HF_HUB_OFFLINE: "1", ...env },
  });
  return {
    code: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
    firstError: result.stderr.split("\n")[0],
  };
}

const record = '{"instruction": "Say hi.", "input": "", "output": "hi"}\n';

/** A temp dir with the given files, plus the data file `good` names. */
function workdir(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "tunectl-validate-"));
  for (const [name, text] of Object.entries({ "d.jsonl": record, ...files })) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const good = "name: t\ndata:\n  train: [{path: d.jsonl, format: alpaca}]\ntrain: {max_steps: 1}\n";

describe("tunectl validate", () => {
  it.each(["tiny-cpu", "alpaca-lora", "vicuna-sharegpt"])("accepts configs/%s.yaml", (name) => {
    const run = tunectl(["validate", path.join(configs, `${name}.yaml`)], path.resolve("."));
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`configs/${name}.yaml: valid`);
  });

  it("says which named secrets are not set here, never their values", () => {
    const dir = workdir({ "exp.yaml": `${good}secrets: [HF_TOKEN, WANDB_API_KEY]\n` });
    const run = tunectl(["validate", "exp.yaml"], dir, { HF_TOKEN: "hf_canary_value" });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("  secrets: HF_TOKEN, WANDB_API_KEY (not set)");
    expect(run.stdout).toContain("run refuses until WANDB_API_KEY is exported");
    const json = tunectl(["validate", "exp.yaml", "--json"], dir, { HF_TOKEN: "hf_canary_value" });
    expect(JSON.parse(json.stdout).secrets_set).toEqual({ HF_TOKEN: true, WANDB_API_KEY: false });
    expect(run.stdout + json.stdout).not.toContain("hf_canary_value");
  });

  it("counts the data in the model's tokens: too many records cut at max_seq_len is exit 2", () => {
    const dir = workdir({});
    writeFileSync(
      path.join(dir, "exp.yaml"),
      "name: t\ndata:\n  train: [{path: d.jsonl, format: alpaca}]\n  max_seq_len: 16\ntrain: {max_steps: 1}\n",
    );
    const run = tunectl(["validate", "exp.yaml"], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/exp\.yaml: data\.max_seq_len: 1 of 1 records \(100\.0%\)/);
    expect(run.stderr).toContain("1 truncated, 1 dropped");
    expect(run.stderr).toContain("data.allow_truncation: true");

    const allowed = tunectl(
      ["validate", "exp.yaml", "--set", "data.allow_truncation=true", "--json"],
      dir,
    );
    expect(allowed.code).toBe(0);
    const tokens = JSON.parse(allowed.stdout).tokens;
    expect(tokens.counted).toBe(true);
    expect(tokens.stats).toMatchObject({ records: 1, truncated: 1, dropped: 1, max_seq_len: 16 });
    expect(tokens.stats.length.max).toBeGreaterThan(16);

    const roomy = tunectl(["validate", "exp.yaml", "--set", "data.max_seq_len=512"], dir);
    expect(roomy.code).toBe(0);
    expect(roomy.stdout).toMatch(
      /tokens: 1 records, .*\(builtin:tiny\); 0 truncated at 512, 0 dropped/,
    );
  });

  it("checks the data too: a missing data file is exit 2 naming it", () => {
    const dir = workdir({ "exp.yaml": good.replace("d.jsonl", "missing.jsonl") });
    const run = tunectl(["validate", "exp.yaml"], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("missing.jsonl");
  });

  it("checks every record: a bad one is exit 2 with FILE:LINE", () => {
    const dir = workdir({
      "exp.yaml": good,
      "d.jsonl": record + '{"instruction": 3, "output": "x"}\n',
    });
    const run = tunectl(["validate", "exp.yaml"], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/d\.jsonl:2/);
  });

  it("checks the eval prompts file: a bad line is exit 2 with FILE:LINE", () => {
    const dir = workdir({
      "exp.yaml": `${good}eval: {prompts: prompts.jsonl}\n`,
      "prompts.jsonl": '{"instruction": "Say hi."}\n{"instruction": ""}\n',
    });
    const run = tunectl(["validate", "exp.yaml"], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/prompts\.jsonl:2:1/);
  });

  it("prints the resolved config with --json", () => {
    const dir = workdir({ "exp.yaml": good });
    const run = tunectl(["validate", "exp.yaml", "--json", "--set", "train.seed=9"], dir);
    expect(run.code).toBe(0);
    const body = JSON.parse(run.stdout) as { valid: boolean; config: { train: { seed: number } } };
    expect(body.valid).toBe(true);
    expect(body.config.train.seed).toBe(9);
  });

  it.each([
    ["a YAML syntax error", "name: t\ndata: [\n", [], "exp.yaml:3:1: YAML syntax error: "],
    [
      "a wrong type",
      "name: t\ndata:\n  train: [{path: d.jsonl, format: alpaca}]\ntrain:\n  max_steps: 1\n  learning_rate: fast\n",
      [],
      'exp.yaml:6:18: train.learning_rate: wrong type: string "fast" (expected a number)',
    ],
    [
      "an unknown key",
      `${good}lora:\n  rank: 8\n`,
      [],
      "exp.yaml:6:3: lora.rank: unknown key; did you mean r?",
    ],
    [
      "a bad enum value",
      `${good}model:\n  dtype: fp8\n`,
      [],
      'exp.yaml:6:10: model.dtype: string "fp8" is not allowed (expected one of "auto", "float32", "bf16", "fp16")',
    ],
    [
      "a missing required field",
      "name: t\n",
      [],
      "exp.yaml:1:1: data: missing required field (expected a mapping of keys)",
    ],
    [
      "a missing extends file",
      `extends: base.yaml\n${good}`,
      [],
      "exp.yaml:1:10: extends: base.yaml: file not found",
    ],
    [
      "an unset env var",
      `${good}model:\n  base: \${env:TUNECTL_TEST_MODEL}\n`,
      [],
      "exp.yaml:6:9: model.base: environment variable TUNECTL_TEST_MODEL is not set",
    ],
    [
      "a bad --set path",
      good,
      ["--set", "train.lr=1"],
      "--set train.lr=1: train.lr: unknown config path; did you mean train.learning_rate?",
    ],
    [
      "a bad --set value",
      good,
      ["--set", "train.epochs=-1"],
      "--set train.epochs=-1: train.epochs: number -1 is too small (expected a number > 0)",
    ],
  ])("exits 2 on %s", (_, text, flags, first) => {
    const dir = workdir({ "exp.yaml": text as string });
    const run = tunectl(["validate", "exp.yaml", ...(flags as string[])], dir);
    expect(run.code).toBe(2);
    if ((first as string).endsWith(": "))
      expect(run.firstError?.startsWith(first as string)).toBe(true);
    else expect(run.firstError).toBe(first);
    expect(run.stdout).toBe("");
    expect(existsSync(path.join(dir, ".tunectl"))).toBe(false);
  });

  it("reports an error inside an extended file at its own position", () => {
    const dir = workdir({
      "base/common.yaml": "train:\n  save_steps: 0\n",
      "exp.yaml": `extends: base/common.yaml\n${good}`,
    });
    const run = tunectl(["validate", "exp.yaml"], dir);
    expect(run.code).toBe(2);
    expect(run.firstError).toBe(
      "base/common.yaml:2:15: train.save_steps: number 0 is too small (expected a number > 0)",
    );
  });

  it("lists problems with --json and writes nothing", () => {
    const dir = workdir({
      "tunectl.yaml": "storage: store\n",
      "exp.yaml": "name: t\nlora: {r: x}\n",
    });
    const run = tunectl(["validate", "exp.yaml", "--json"], dir);
    expect(run.code).toBe(2);
    const body = JSON.parse(run.stdout) as { valid: boolean; problems: Array<{ path: string }> };
    expect(body.valid).toBe(false);
    expect(body.problems.map((p) => p.path)).toEqual(["data", "lora.r"]);
    expect(existsSync(path.join(dir, ".tunectl"))).toBe(false);
    expect(existsSync(path.join(dir, "store"))).toBe(false);
  });

  it("reports a bad workspace file as problems", () => {
    const dir = workdir({ "tunectl.yaml": "hostz: []\n", "exp.yaml": good });
    const run = tunectl(["validate", "exp.yaml"], dir);
    expect(run.code).toBe(2);
    expect(run.firstError).toBe("tunectl.yaml:1:1: hostz: unknown key; did you mean hosts?");
  });
});

describe("tunectl schema", () => {
  it("prints the JSON Schema of the experiment file", () => {
    const run = tunectl(["schema"], path.resolve("."));
    expect(run.code).toBe(0);
    const schema = JSON.parse(run.stdout) as { required: string[] };
    expect(schema.required).toEqual(["name", "data"]);
  });
});

describe("tunectl validate on random input", () => {
  afterEach(() => vi.restoreAllMocks());

  it("exits 0 or 2 for random documents and --set flags", async () => {
    const { main } = await import("../main.js");
    const dir = workdir({ "base.yaml": good });
    const exp = path.join(dir, "exp.yaml");
    vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    vi.spyOn(process, "cwd").mockReturnValue(dir);
    const key = fc.oneof(fc.constantFrom("name", "data", "train", "lora", "extends"), fc.string());
    const leaf = fc.oneof(fc.string(), fc.double(), fc.boolean(), fc.constant("base.yaml"));
    const doc = fc.dictionary(key, fc.oneof(leaf, fc.dictionary(key, leaf)), { maxKeys: 6 });
    await fc.assert(
      fc.asyncProperty(doc, fc.array(fc.string(), { maxLength: 2 }), async (value, sets) => {
        writeFileSync(exp, stringify(value));
        const code = await main(["validate", exp, ...sets.flatMap((s) => ["--set", s])]);
        expect([0, 2]).toContain(code);
      }),
      { numRuns: 50 },
    );
  });
});
