import type { z } from "zod";

/** Cross-field rules, one small named function each; `path` points at the offending field. */
interface RuleInput {
  model: { base: string; revision?: string; tiny?: { n_head: number; n_embd: number } };
  lora: { target_modules: string[] };
  data: { eval?: unknown[]; eval_split: number };
  train: {
    epochs?: number;
    max_steps?: number;
    warmup_ratio?: number;
    warmup_steps?: number;
    eval_steps?: number;
  };
  env: Record<string, string>;
  secrets: string[];
}

type Rule = (value: RuleInput, ctx: z.RefinementCtx) => void;

const epochsXorMaxSteps: Rule = ({ train }, ctx) => {
  if (train.epochs !== undefined && train.max_steps !== undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["train", "max_steps"],
      message: "set either train.epochs or train.max_steps, not both",
    });
  }
};

/** A revision picks a commit of a Hub repository; a local directory or builtin:tiny has none. */
const revisionNeedsHubModel: Rule = ({ model }, ctx) => {
  if (model.revision === undefined) return;
  const local = model.base === "builtin:tiny" || /^(\/|\.\.?\/|~)/.test(model.base);
  if (local) {
    ctx.addIssue({
      code: "custom",
      path: ["model", "revision"],
      message: `model.revision applies to Hugging Face Hub ids, not to ${model.base}; remove it`,
    });
  }
};

/** The modules of the builtin tiny model (scripts/trainer/trainer/backends/tiny_base.py: a Llama). */
export const tinyModelModules = [
  "q_proj",
  "k_proj",
  "v_proj",
  "o_proj",
  "gate_proj",
  "up_proj",
  "down_proj",
];

/** model.tiny sizes only the builtin model; with any other base it would be ignored. */
const tinySettingsNeedTinyModel: Rule = ({ model }, ctx) => {
  if (model.tiny === undefined || model.base === "builtin:tiny") return;
  ctx.addIssue({
    code: "custom",
    path: ["model", "tiny"],
    message: `model.tiny applies only to model.base builtin:tiny, not ${model.base}; remove it`,
  });
};

const tinyHeadsDivideWidth: Rule = ({ model }, ctx) => {
  const tiny = model.tiny;
  if (tiny === undefined || model.base !== "builtin:tiny") return;
  if (tiny.n_embd % tiny.n_head !== 0 || (tiny.n_embd / tiny.n_head) % 2 !== 0) {
    ctx.addIssue({
      code: "custom",
      path: ["model", "tiny", "n_head"],
      message: `model.tiny.n_embd (${tiny.n_embd}) / n_head (${tiny.n_head}) must be an even whole number`,
    });
  }
};

const tinyTargetModulesExist: Rule = ({ model, lora }, ctx) => {
  if (model.base !== "builtin:tiny") return;
  if (!lora.target_modules.some((name) => tinyModelModules.includes(name))) {
    ctx.addIssue({
      code: "custom",
      path: ["lora", "target_modules"],
      message: `no module of builtin:tiny matches; it has ${tinyModelModules.join(", ")}`,
    });
  }
};

const warmupRatioXorSteps: Rule = ({ train }, ctx) => {
  if (train.warmup_ratio !== undefined && train.warmup_steps !== undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["train", "warmup_steps"],
      message: "set either train.warmup_ratio or train.warmup_steps, not both",
    });
  }
};

const evalStepsNeedEvalData: Rule = ({ train, data }, ctx) => {
  const hasEval = (data.eval?.length ?? 0) > 0 || data.eval_split > 0;
  if (train.eval_steps !== undefined && !hasEval) {
    ctx.addIssue({
      code: "custom",
      path: ["train", "eval_steps"],
      message: "train.eval_steps needs evaluation data: set data.eval_split or data.eval",
    });
  }
};

const evalSplitOrEvalFiles: Rule = ({ data }, ctx) => {
  if ((data.eval?.length ?? 0) > 0 && data.eval_split > 0) {
    ctx.addIssue({
      code: "custom",
      path: ["data", "eval_split"],
      message: "set either data.eval_split or data.eval files, not both",
    });
  }
  if (data.eval_split >= 1 && !Number.isInteger(data.eval_split)) {
    ctx.addIssue({
      code: "custom",
      path: ["data", "eval_split"],
      message: "data.eval_split must be a ratio below 1 or a whole record count",
    });
  }
};

const secretsNotInEnv: Rule = ({ env, secrets }, ctx) => {
  secrets.forEach((name, index) => {
    if (name in env) {
      ctx.addIssue({
        code: "custom",
        path: ["secrets", index],
        message: `${name} is both in env (recorded) and in secrets; keep it only in secrets`,
      });
    }
  });
};

const rules: Rule[] = [
  epochsXorMaxSteps,
  revisionNeedsHubModel,
  tinySettingsNeedTinyModel,
  tinyHeadsDivideWidth,
  tinyTargetModulesExist,
  warmupRatioXorSteps,
  evalStepsNeedEvalData,
  evalSplitOrEvalFiles,
  secretsNotInEnv,
];

export function crossFieldRules(value: RuleInput, ctx: z.RefinementCtx): void {
  for (const rule of rules) rule(value, ctx);
}
