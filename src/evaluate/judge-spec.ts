import path from "node:path";
import { z } from "zod";
import {
  displayPath,
  parseYamlSource,
  problemsFromIssues,
  readSpecText,
  toPlain,
} from "../config/index.js";
import { UserError, type Problem } from "../errors/index.js";
import { endpointSchema, pricingSchema } from "../generate/index.js";

/** `--judge SPEC`: the LLM that compares answers, with the keys of a generate spec's endpoint. */
export const judgeSpecSchema = z
  .object({
    endpoint: endpointSchema,
    pricing: pricingSchema,
    max_tokens: z.number().int().min(1).default(512).describe("Most tokens one verdict may take."),
    timeout_s: z.number().min(1).default(120).describe("Longest one request may take."),
    max_attempts: z
      .number()
      .int()
      .min(1)
      .default(3)
      .describe("Tries per request (errors and 429s)."),
  })
  .strict();

export type JudgeSpec = z.infer<typeof judgeSpecSchema>;

export interface LoadedJudge {
  spec: JudgeSpec;
  /** The key, read from the named secret; never written anywhere. */
  apiKey?: string;
  shown: string;
}

/** Read and check a judge spec, and its secret, before anything runs (exit 2 on a mistake). */
export async function loadJudgeSpec(
  file: string,
  cwd: string,
  env: Record<string, string | undefined>,
): Promise<LoadedJudge> {
  const specFile = path.resolve(cwd, file);
  const shown = displayPath(specFile, cwd);
  const text = await readSpecText(specFile, shown, {
    code: "eval.judge_unreadable",
    hint: "give --judge the path of a judge spec (docs/evaluate.md)",
  });
  const parsed = parseYamlSource(text, { file: shown, dir: path.dirname(specFile) });
  if (!parsed.node || parsed.problems.length) throw invalidJudge(shown, parsed.problems);
  const result = judgeSpecSchema.safeParse(toPlain(parsed.node));
  if (!result.success)
    throw invalidJudge(
      shown,
      problemsFromIssues(result.error.issues, parsed.node, judgeSpecSchema),
    );
  const spec = result.data;
  const secret = spec.endpoint.api_key_secret;
  if (secret === undefined) return { spec, shown };
  const value = env[secret];
  if (value === undefined || value === "") {
    throw new UserError(
      `${shown}: endpoint.api_key_secret ${secret} is not set in the environment`,
      {
        code: "eval.judge_secret_missing",
        hint: `export ${secret}=... before running (the key is never written to a record or a log)`,
        data: { secret },
      },
    );
  }
  return { spec, apiKey: value, shown };
}

function invalidJudge(shown: string, problems: Problem[]): UserError {
  return new UserError(
    `${shown} is not a valid judge spec (${problems.length} problem${problems.length === 1 ? "" : "s"})`,
    {
      code: "eval.invalid_judge",
      problems,
      hint: "docs/evaluate.md describes every field",
    },
  );
}
