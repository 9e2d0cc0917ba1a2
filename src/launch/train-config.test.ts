import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadExperiment } from "../config/index.js";
import { trainJson } from "./train-config.js";

/**
 * The round trip of the trainer contract: experiment -> train.json -> the trainer's own
 * parser (scripts/trainer/trainer/config.py, through `python3 -m trainer.contract
 * check-config`), which reports the settings it took. Every value must come back unchanged,
 * and the trainer must invent none: a field it drops or defaults on its own fails here.
 */
const experiments = readdirSync("configs")
  .filter((name) => name.endsWith(".yaml") && !["base.yaml", "tunectl.yaml"].includes(name))
  .map((name) => ({ label: name, file: `configs/${name}`, sets: [] as string[] }));

/** The overrides the integration, fault and benchmark suites launch tiny-cpu.yaml with. */
const testRuns = [
  ["train.max_steps=6", "train.save_steps=3", "train.eval_steps=3"],
  ["train.max_steps=40", "train.save_steps=5", "train.eval_steps=5", "train.save_total_limit=40"],
  ["train.max_steps=2", "train.save_steps=2", "train.eval_steps=2"],
].map((sets) => ({
  label: `tiny-cpu.yaml ${sets.join(" ")}`,
  file: "configs/tiny-cpu.yaml",
  sets,
}));

/** Every optional field the experiment offers, set: none may be lost on the way. */
const everything = {
  label: "a hub model with every optional field set",
  file: "configs/alpaca-lora.yaml",
  sets: [
    "model.base=org/model",
    "model.revision=v1.2",
    "model.trust_remote_code=true",
    "lora.bias=lora_only",
    "lora.target_modules=[c_attn]",
    "train.epochs=null",
    "train.max_steps=9",
    "train.warmup_ratio=null",
    "train.warmup_steps=2",
    "train.lr_scheduler=linear",
    "train.weight_decay=0.01",
    "train.max_grad_norm=0.5",
    "data.template=chatml",
    "data.train_on_inputs=true",
  ],
};
const tinySized = {
  label: "builtin:tiny with its sizes set",
  file: "configs/tiny-cpu.yaml",
  sets: [
    "model.tiny.n_layer=3",
    "model.tiny.n_head=2",
    "model.tiny.n_embd=48",
    "train.max_steps=null",
    "train.epochs=2",
  ],
};
const tracked = {
  label: "tiny-cpu.yaml with TensorBoard and every W&B setting",
  file: "configs/tiny-cpu.yaml",
  sets: [
    "tracking.tensorboard=true",
    "tracking.wandb.project=tune",
    "tracking.wandb.entity=team",
    "tracking.wandb.name=tiny",
    "tracking.wandb.tags=[a, b]",
    "tracking.wandb.mode=offline",
  ],
};
/** eval.prompts rendered as chat messages, and none asked at all. */
const promptCases = [
  ["data.template=tokenizer"],
  ["eval.prompts=[]"],
  [
    'eval.prompts=["Say hi.", {id: up, instruction: Upper case it., input: door, system: Be brief.}]',
  ],
].map((sets) => ({
  label: `tiny-cpu.yaml ${sets.join(" ")}`,
  file: "configs/tiny-cpu.yaml",
  sets,
}));
const cases = [...experiments, ...testRuns, everything, tinySized, tracked, ...promptCases];

/**
 * The trainer's own Python: the virtualenv made from scripts/trainer/requirements.lock
 * (scripts/test.sh passes it in; made here, once, when run alone).
 */
const trainerPython =
  process.env.TUNECTL_TRAINER_PYTHON ??
  execFileSync("sh", ["scripts/trainer/venv.sh"], { encoding: "utf8" }).trim().split("\n").pop()!;

function checkConfig(document: unknown): string {
  const dir = mkdtempSync(path.join(tmpdir(), "tunectl-train-json-"));
  const file = path.join(dir, "train.json");
  writeFileSync(file, JSON.stringify(document));
  const out = execFileSync(trainerPython, ["-m", "trainer.contract", "check-config", file], {
    env: { ...process.env, PYTHONPATH: path.resolve("scripts/trainer") },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
  return out;
}

function trainerSettings(document: unknown): unknown {
  return JSON.parse(checkConfig(document));
}

function refusal(document: unknown): string {
  try {
    checkConfig(document);
  } catch (error) {
    return String((error as { stderr?: string }).stderr);
  }
  throw new Error("the trainer accepted it");
}

/** `{a: {b: 1}}` -> `[["a.b", 1]]`; lists are values. Absent and null are the same: not set. */
function leaves(value: unknown, prefix = ""): Array<[string, unknown]> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return value === null || value === undefined ? [] : [[prefix, value]];
  }
  return Object.entries(value).flatMap(([key, inner]) =>
    leaves(inner, prefix ? `${prefix}.${key}` : key),
  );
}

describe("train.json round trip through the trainer's parser", () => {
  it("covers every example experiment", () => {
    expect(experiments.map((e) => e.label)).toEqual(
      expect.arrayContaining(["tiny-cpu.yaml", "alpaca-lora.yaml", "vicuna-sharegpt.yaml"]),
    );
  });

  it.each(cases)("$label", async ({ file, sets }) => {
    const { experiment } = await loadExperiment(file, { env: {}, sets });
    const sent = trainJson("exp-20260101-000000-abcd", experiment);
    const taken = trainerSettings(sent);
    expect(Object.fromEntries(leaves(taken))).toEqual(Object.fromEntries(leaves(sent)));
  });

  it("carries eval.prompts rendered with the run's template", async () => {
    const load = async (sets: string[]) =>
      trainJson("r", (await loadExperiment("configs/tiny-cpu.yaml", { env: {}, sets })).experiment);
    const alpaca = await load([]);
    expect(alpaca.eval?.prompts?.map((p) => p.id)).toEqual(["upper", "reverse"]);
    const [upper] = alpaca.eval!.prompts!;
    expect(upper!.record).toEqual({
      segments: [
        { text: expect.stringMatching(/### Input:\ngarden\n\n### Response:\n$/), train: false },
      ],
    });
    const chat = await load(["data.template=tokenizer"]);
    expect(chat.eval!.prompts![0]!.record).toEqual({
      messages: [{ role: "user", content: "Convert the text to upper case.\n\ngarden" }],
    });
    expect((await load(["eval.prompts=[]"])).eval).toEqual({ prompts: [] });
  });

  it("is refused by the trainer, naming the field, when it carries one the trainer lacks", async () => {
    const { experiment } = await loadExperiment("configs/tiny-cpu.yaml", { env: {} });
    const sent = trainJson("r", experiment);
    expect(refusal({ ...sent, lora: { ...sent.lora, rank: 8 } })).toMatch(
      /train\.json: 'lora\.rank' is not a field this trainer knows/,
    );
    const { bias: _dropped, ...lora } = sent.lora;
    expect(refusal({ ...sent, lora })).toMatch(/train\.json: 'lora\.bias' is required/);
    expect(refusal({ ...sent, train: { ...sent.train, lr_scheduler: "step" } })).toMatch(
      /train\.json: 'train\.lr_scheduler': 'step' is not one of/,
    );
  });
});
