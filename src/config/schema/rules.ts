import type { z } from "zod";

/** Cross-field rules, one small named function each; `path` points at the offending field. */
interface RuleInput {
  model: { base: string; revision?: string; tiny?: { n_head: number; n_embd: number } };
  lora: { target_modules: string[] };
  data: {
    eval?: unknown[];
    eval_split: number;
    train: Array<{ text_label?: TextLabelRuleInput } | { generate: unknown }>;
  };
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

interface TextLabelRuleInput {
  phrasings?: Array<{ id?: string }>;
  few_shot?: unknown;
  mix: { zero_shot?: number; few_shot?: number };
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

/** Template ids name what a record was rendered with, so two templates never share one. */
const templateIdsUnique: Rule = ({ data }, ctx) => {
  data.train.forEach((source, index) => {
    if ("generate" in source) return;
    const seen = new Set<string>();
    source.text_label?.phrasings?.forEach((phrasing, at) => {
      const id = phrasing.id ?? `own/${at}`;
      if (seen.has(id))
        ctx.addIssue({
          code: "custom",
          path: ["data", "train", index, "text_label", "phrasings", at, "id"],
          message: `template id "${id}" is used twice; give every template its own id`,
        });
      seen.add(id);
    });
  });
};

const fewShotShares: Rule = ({ data }, ctx) => {
  data.train.forEach((source, index) => {
    if ("generate" in source) return;
    const label = source.text_label;
    if (!label) return;
    const path = ["data", "train", index, "text_label", "mix"];
    const { zero_shot: zero, few_shot: few } = label.mix;
    if (zero !== undefined && few !== undefined && Math.abs(zero + few - 1) > 1e-9)
      ctx.addIssue({
        code: "custom",
        path: [...path, "few_shot"],
        message: `mix.zero_shot (${zero}) and mix.few_shot (${few}) must sum to 1`,
      });
    const fewShare = few ?? (zero === undefined ? undefined : 1 - zero);
    if (label.few_shot === undefined && fewShare !== undefined && fewShare > 0)
      ctx.addIssue({
        code: "custom",
        path: [...path, few === undefined ? "zero_shot" : "few_shot"],
        message: "few-shot records need text_label.few_shot.k (how many exemplars)",
      });
  });
};

const rules: Rule[] = [
  templateIdsUnique,
  fewShotShares,
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
