import type { z } from "zod";

/** Cross-field rules, one small named function each; `path` points at the offending field. */
interface RuleInput {
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
  warmupRatioXorSteps,
  evalStepsNeedEvalData,
  evalSplitOrEvalFiles,
  secretsNotInEnv,
];

export function crossFieldRules(value: RuleInput, ctx: z.RefinementCtx): void {
  for (const rule of rules) rule(value, ctx);
}
