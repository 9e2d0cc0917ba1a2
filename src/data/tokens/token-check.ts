import type { DataConfig } from "../../config/index.js";
import type { Problem } from "../../errors/index.js";
import type { TokenStats } from "./token-stats.js";

export type TruncationVerdict =
  { kind: "ok" } | { kind: "allowed"; warning: Problem } | { kind: "refused"; problem: Problem };

type Limits = Pick<DataConfig, "max_seq_len" | "allow_truncation" | "max_truncated_fraction">;

const percent = (part: number, whole: number) =>
  `${whole ? ((100 * part) / whole).toFixed(1) : "0.0"}%`;

/** One line of counts, the same wherever tunectl shows them. */
export function describeTokens(stats: TokenStats): string {
  const l = stats.length;
  return (
    `${stats.records} records in ${stats.tokenizer} tokens: min ${l.min}, p50 ${l.p50}, p90 ${l.p90}, p99 ${l.p99}, max ${l.max}; ` +
    `${stats.truncated} truncated at max_seq_len ${stats.max_seq_len}, ${stats.dropped} without a trained token (dropped)`
  );
}

/**
 * More records cut or dropped than `data.max_truncated_fraction` allows is an error, unless
 * `data.allow_truncation` (then a warning). Records that lose every trained token are always
 * named: the trainer drops them.
 */
export function judgeTruncation(
  stats: TokenStats,
  limits: Limits,
  file?: string,
): TruncationVerdict {
  if (stats.records === 0 || stats.affected / stats.records <= limits.max_truncated_fraction)
    return { kind: "ok" };
  const what =
    `${stats.affected} of ${stats.records} records (${percent(stats.affected, stats.records)}) are longer than ` +
    `max_seq_len ${stats.max_seq_len} in ${stats.tokenizer} tokens or keep no trained token ` +
    `(${stats.truncated} truncated, ${stats.dropped} dropped)`;
  const at = file ? { position: { file } } : {};
  if (limits.allow_truncation)
    return {
      kind: "allowed",
      warning: {
        ...at,
        path: "data.max_seq_len",
        message: `${what}; data.allow_truncation accepts it`,
      },
    };
  return {
    kind: "refused",
    problem: {
      ...at,
      path: "data.max_seq_len",
      message: `${what}: more than data.max_truncated_fraction ${limits.max_truncated_fraction}`,
      hint: `raise data.max_seq_len (p99 is ${stats.length.p99} tokens, max ${stats.length.max}), or set data.allow_truncation: true to train on the cut records`,
    },
  };
}
