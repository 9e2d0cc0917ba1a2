import { execFile, execFileSync, spawn } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TrainJson } from "../../contract/index.js";
import { RunRegistry, walkToRunning } from "../../runs/index.js";

// `tunectl export` over a real checkpoint: the trainer (tiny Llama, 4 steps) writes it into the
// run's directory on the embedded `local` host, as the process runtime would; the run is in a
// real registry over a temp workspace. The built CLI exports it with and without --merge, and
// Python (PEFT, transformers) loads what it wrote. Heavy Python runs: one training, three exports.
const bin = path.resolve("bin", "tunectl.js");
const trainerRoot = path.resolve("scripts", "trainer");
const trainerPython =
  process.env.TUNECTL_TRAINER_PYTHON ??
  execFileSync("sh", ["scripts/trainer/venv.sh"], { encoding: "utf8" }).trim().split("\n").pop()!;
const run = promisify(execFile);

const dir = mkdtempSync(path.join(tmpdir(), "tunectl-export-cli-"));
const ws = path.join(dir, "ws");
const env = {
  ...process.env,
  NO_COLOR: "1",
  HF_HUB_OFFLINE: "1",
  TUNECTL_TINY_DIR: path.join(dir, "tiny"),
};
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const trainJson = {
  contract: 1,
  run_id: "export-test",
  name: "export-test",
  model: {
    base: "builtin:tiny",
    dtype: "float32",
    trust_remote_code: false,
    tiny: { n_layer: 1, n_head: 2, n_embd: 32 },
  },
  lora: {
    r: 4,
    alpha: 8,
    dropout: 0.0,
    target_modules: ["q_proj", "k_proj", "v_proj", "o_proj"],
    bias: "none",
  },
  train: {
    max_steps: 4,
    micro_batch_size: 2,
    gradient_accumulation_steps: 1,
    learning_rate: 5e-2,
    lr_scheduler: "constant",
    warmup_ratio: 0,
    weight_decay: 0,
    max_grad_norm: 1.0,
    save_steps: 2,
    save_total_limit: 10,
    logging_steps: 1,
    seed: 3,
    gradient_checkpointing: false,
  },
  data: { template: "alpaca", max_seq_len: 128, packing: false, train_on_inputs: false },
  tracking: { tensorboard: false },
} satisfies TrainJson;

async function tunectl(...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], {
      cwd: ws,
      env,
      timeout: 300_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** A refused export with --json: its exit code and the error document on stdout. */
async function refusal(...args: string[]) {
  const result = await tunectl(...args, "--json");
  const error = result.stdout
    ? (JSON.parse(result.stdout) as { error: { code: string; message: string; hint?: string } })
        .error
    : undefined;
  return {
    code: result.code,
    error,
    text: `${error?.message}\n${error?.hint}`,
    stderr: result.stderr,
  };
}

let runId = "";
let emptyRunId = "";

beforeAll(async () => {
  mkdirSync(ws, { recursive: true });
  const registry = new RunRegistry(path.join(ws, ".tunectl"));
  const spec = { configYaml: "name: export-test\n", model: "builtin:tiny", image: "x" };
  ({ id: runId } = await registry.create({ name: "export-test", gpus_requested: 0, ...spec }));
  ({ id: emptyRunId } = await registry.create({ name: "no-ckpt", gpus_requested: 0, ...spec }));
  const hostDir = path.join(ws, ".tunectl", "hosts", "local", "runs", runId);
  const data = path.join(hostDir, "data");
  mkdirSync(data, { recursive: true });
  const records = readFileSync("configs/data/tiny-instructions.jsonl", "utf8")
    .trim()
    .split("\n")
    .slice(0, 8)
    .map((line) => JSON.parse(line) as { instruction: string; input: string; output: string });
  const segments = records.map((r) => ({
    segments: [
      { text: `### Instruction:\n${r.instruction}\n${r.input}\n\n### Response:\n`, train: false },
      { text: r.output, train: true },
    ],
  }));
  writeFileSync(
    path.join(data, "train.jsonl"),
    segments.map((s) => JSON.stringify(s)).join("\n") + "\n",
  );
  writeFileSync(path.join(hostDir, "train.json"), JSON.stringify(trainJson));
  execFileSync(
    trainerPython,
    [
      "-m",
      "trainer",
      "--config",
      path.join(hostDir, "train.json"),
      "--data",
      data,
      "--output",
      path.join(hostDir, "output"),
    ],
    {
      env: { ...env, PYTHONPATH: trainerRoot, TUNECTL_RUN_ID: runId, TUNECTL_ATTEMPT: "1" },
      stdio: "pipe",
    },
  );
  await walkToRunning(registry, runId, {
    host: "local",
    gpus: [],
    runtime: "process",
    host_dir: hostDir,
  });
  await registry.apply(runId, { type: "exited", attempt: 1, exit_code: 0, final_step: 4 });
}, 300_000);

/** Max |logits| difference: adapter (PEFT over the exported base) vs merged, and adapter vs base. */
function compareInPython(
  adapterDir: string,
  mergedDir: string,
): { merged: number; base: number; tokenizer: boolean } {
  const script = `
import json, sys, torch
from peft import PeftModel
from transformers import AutoModelForCausalLM, AutoTokenizer
adapter_dir, merged_dir = sys.argv[1], sys.argv[2]
ids = torch.tensor([[1, 60, 70, 80, 90, 100, 2]])
def logits(m):
    m.eval()
    with torch.no_grad():
        return m(input_ids=ids, use_cache=False).logits
base = logits(AutoModelForCausalLM.from_pretrained(adapter_dir + "/base"))
adapted = logits(PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(adapter_dir + "/base"), adapter_dir))
merged = logits(AutoModelForCausalLM.from_pretrained(merged_dir))
same_tok = AutoTokenizer.from_pretrained(adapter_dir)("hi")["input_ids"] == AutoTokenizer.from_pretrained(merged_dir)("hi")["input_ids"]
print(json.dumps({"merged": (merged - adapted).abs().max().item(), "base": (adapted - base).abs().max().item(), "tokenizer": same_tok}))
`;
  const out = execFileSync(trainerPython, ["-c", script, adapterDir, mergedDir], {
    env,
    encoding: "utf8",
  });
  return JSON.parse(out.trim().split("\n").pop()!) as {
    merged: number;
    base: number;
    tokenizer: boolean;
  };
}

describe("tunectl export", () => {
  it("exports the adapter here and the merged model on the host; both load, merged equals base + adapter", async () => {
    const adapter = path.join(dir, "adapter");
    const local = await tunectl("export", runId, "--out", adapter, "--json");
    expect(local.code, local.stderr).toBe(0);
    const result = JSON.parse(local.stdout) as Record<string, unknown>;
    // no eval ran, so the newest checkpoint; it was only on the host: pulled into the registry first
    expect(result).toMatchObject({
      run: runId,
      step: 4,
      chosen_by: "newest",
      merged: false,
      where: "local",
    });
    expect(result).toMatchObject({
      base: "builtin:tiny",
      dtype: "float32",
      trust_remote_code: false,
      base_dir: "base",
    });
    expect(local.stderr).toContain("export.fetched");
    expect(
      existsSync(
        path.join(ws, ".tunectl", "runs", runId, "checkpoints", "step-4", "manifest.json"),
      ),
    ).toBe(true);
    const names = readdirSync(adapter);
    expect(names).toEqual(
      expect.arrayContaining([
        "adapter_config.json",
        "adapter_model.safetensors",
        "tokenizer.json",
        "tunectl_export.json",
        "base",
      ]),
    );
    expect(names).not.toContain("manifest.json");
    expect(readdirSync(dir).filter((name) => name.includes(".tmp-"))).toEqual([]);

    const merged = path.join(dir, "merged");
    const onHost = await tunectl(
      "export",
      runId,
      "--merge",
      "--on-host",
      "--out",
      merged,
      "--json",
    );
    expect(onHost.code, onHost.stderr).toBe(0);
    expect(JSON.parse(onHost.stdout)).toMatchObject({
      step: 4,
      merged: true,
      where: "host",
      dtype: "float32",
      base_dir: null,
    });
    expect(readdirSync(merged)).toEqual(
      expect.arrayContaining([
        "config.json",
        "model.safetensors",
        "tokenizer.json",
        "tunectl_export.json",
      ]),
    );
    const hostExports = path.join(
      ws,
      ".tunectl",
      "hosts",
      "local",
      "runs",
      runId,
      "output",
      "exports",
    );
    expect(existsSync(hostExports) ? readdirSync(hostExports) : []).toEqual([]);

    const diff = compareInPython(adapter, merged);
    expect(diff.base).toBeGreaterThan(1e-4); // the adapter really changes the model
    expect(diff.merged).toBeLessThan(1e-5);
    expect(diff.tokenizer).toBe(true);
  }, 300_000);

  it("takes --checkpoint, and replaces a non-empty --out only with --force", async () => {
    const out = path.join(dir, "step2");
    mkdirSync(out);
    writeFileSync(path.join(out, "keep.txt"), "mine");
    const refused = await refusal("export", runId, "--checkpoint", "2", "--out", out);
    expect(refused.code).toBe(2);
    expect(refused.error?.code).toBe("export.out_not_empty");
    expect(refused.text).toContain("--force");
    expect(readdirSync(out)).toEqual(["keep.txt"]);

    const forced = await tunectl(
      "export",
      runId,
      "--checkpoint",
      "2",
      "--out",
      out,
      "--force",
      "--json",
    );
    expect(forced.code, forced.stderr).toBe(0);
    expect(JSON.parse(forced.stdout)).toMatchObject({ step: 2, chosen_by: "requested" });
    expect(readdirSync(out)).not.toContain("keep.txt");
    expect(JSON.parse(readFileSync(path.join(out, "tunectl_export.json"), "utf8"))).toMatchObject({
      run: runId,
      step: 2,
    });
  }, 300_000);

  it("refuses bad input with exit 2, saying what exists, and writes nothing", async () => {
    const out = path.join(dir, "never");
    const unknownStep = await refusal("export", runId, "--checkpoint", "3", "--out", out);
    expect(unknownStep.code).toBe(2);
    expect(unknownStep.error?.code).toBe("export.unknown_checkpoint");
    expect(unknownStep.text).toContain("steps 2, 4");

    const none = await refusal("export", emptyRunId, "--out", out);
    expect(none.code).toBe(2);
    expect(none.error?.code).toBe("export.no_checkpoints");
    expect(none.text).toContain("tunectl checkpoints RUN");

    const unknownRun = await refusal("export", "no-such-run", "--out", out);
    expect(unknownRun.code).toBe(2);
    expect(unknownRun.text).toContain("no-such-run");

    const badStep = await refusal("export", runId, "--checkpoint", "two", "--out", out);
    expect(badStep.code).toBe(2);
    expect(badStep.text).toContain("--checkpoint");

    const noOut = await tunectl("export", runId);
    expect(noOut.code).toBe(2);
    expect(noOut.stderr).toContain("--out");

    const noParent = await refusal("export", runId, "--out", path.join(dir, "missing", "x"));
    expect(noParent.code).toBe(2);
    expect(noParent.error?.code).toBe("usage.bad_output");
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((name) => name.includes(".tmp-"))).toEqual([]);
  }, 120_000);

  it("leaves nothing behind when the trainer's export fails (a damaged checkpoint)", async () => {
    const step2 = path.join(ws, ".tunectl", "runs", runId, "checkpoints", "step-2");
    if (!existsSync(step2)) {
      const onHost = path.join(
        ws,
        ".tunectl",
        "hosts",
        "local",
        "runs",
        runId,
        "output",
        "checkpoints",
        "step-2",
      );
      cpSync(onHost, step2, { recursive: true });
    }
    const weights = path.join(step2, "adapter_model.safetensors");
    const saved = readFileSync(weights);
    writeFileSync(
      weights,
      Buffer.concat([
        saved.subarray(0, saved.length - 1),
        Buffer.from([saved[saved.length - 1]! ^ 1]),
      ]),
    );
    try {
      const out = path.join(dir, "damaged");
      const failed = await refusal("export", runId, "--checkpoint", "2", "--out", out);
      expect(failed.code).toBe(3);
      expect(failed.error?.code).toBe("export.trainer_failed");
      expect(failed.text).toContain("not a complete checkpoint");
      expect(existsSync(out)).toBe(false);
      expect(readdirSync(dir).filter((name) => name.includes(".tmp-"))).toEqual([]);
    } finally {
      writeFileSync(weights, saved);
    }
  }, 120_000);

  it("Ctrl-C while the trainer merges: exit 130, no DIR and no temp left", async () => {
    const out = path.join(dir, "interrupted");
    const child = spawn(process.execPath, [bin, "export", runId, "--merge", "--out", out], {
      cwd: ws,
      env,
    });
    let err = "";
    let sent = false;
    child.stderr.on("data", (chunk: Buffer) => {
      err += chunk.toString();
      // once: a second SIGINT from a later chunk would be a second Ctrl-C
      if (!sent && err.includes("trainer export here")) {
        sent = true;
        child.kill("SIGINT");
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(code, err).toBe(130);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((name) => name.includes(".tmp-"))).toEqual([]);
  }, 120_000);
});
