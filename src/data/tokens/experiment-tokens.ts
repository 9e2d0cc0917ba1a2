import type { RenderableExperiment } from "../../config/index.js";
import { UserError } from "../../errors/index.js";
import type { Reporter } from "../../report/index.js";
import { dataTokens, dataTokensUnavailable, dataTruncationAllowed } from "../events.js";
import type { ModelTokenizer } from "./model-tokenizer.js";
import { RecordEncodeError } from "./record-tokens.js";
import { countRenderedTokens, type SplitTokens } from "./staged-tokens.js";
import { describeTokens, judgeTruncation } from "./token-check.js";

/**
 * `run` (and `--dry-run`): the rendered dataset counted in the model's tokens before anything
 * is staged. Too many records cut at max_seq_len is a user error (exit 2) naming the fix; an
 * unreadable tokenizer only a warning (the trainer counts on the host).
 */
export async function checkRenderedTokens(
  dir: string,
  model: ModelTokenizer,
  experiment: RenderableExperiment,
  reporter: Reporter,
  file?: string,
): Promise<SplitTokens | undefined> {
  if (model.kind === "unavailable") {
    dataTokensUnavailable.emit(reporter, `tokens not counted: ${model.reason}`, {
      tokenizer: model.name,
      reason: model.reason,
    });
    return undefined;
  }
  const { data } = experiment;
  let counted: SplitTokens;
  try {
    counted = await countRenderedTokens(dir, model.tokenizer, {
      tokenizer: model.name,
      maxSeqLen: data.max_seq_len,
      trainOnInputs: data.train_on_inputs,
    });
  } catch (error) {
    if (!(error instanceof RecordEncodeError)) throw error;
    throw new UserError(`${model.name}: ${error.message}`, {
      code: "data.template_unusable",
      problems: [{ path: "data.template", message: error.message }],
      hint: "use a template of tunectl's (alpaca, chatml, llama3, ...) instead of template: tokenizer",
    });
  }
  for (const [split, stats] of Object.entries(counted)) {
    const { affected: _affected, ...payload } = stats;
    dataTokens.emit(reporter, `${split}: ${describeTokens(stats)}`, {
      split: split as "train" | "eval",
      ...payload,
    });
  }
  const verdict = judgeTruncation(counted.train, data, file);
  if (verdict.kind === "refused") {
    const { hint, ...problem } = verdict.problem;
    throw new UserError("the training records do not fit data.max_seq_len", {
      code: "data.truncated",
      problems: [problem],
      ...(hint ? { hint } : {}),
    });
  }
  if (verdict.kind === "allowed") {
    const { records, truncated, dropped } = counted.train;
    dataTruncationAllowed.emit(reporter, verdict.warning.message, { records, truncated, dropped });
  }
  return counted;
}
