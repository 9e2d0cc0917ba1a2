/** Why a generated task was not kept; the histogram at the end counts these. */
export type RejectReason =
  | "truncated"
  | "unparsable"
  | "empty"
  | "too_short"
  | "too_long"
  | "blacklist"
  | "prefix"
  | "punctuation"
  | "non_ascii"
  | "duplicate"
  | "no_instance"
  /** evol: the elimination rules of Evol-Instruct (docs/generate.md). */
  | "no_information_gain"
  | "hard_to_answer"
  | "stopwords_only"
  | "copies_prompt";

/** One task parsed out of an answer, or why it could not be. */
export type Candidate =
  | { instruction: string; input: string; output: string; rejected?: undefined }
  | { rejected: RejectReason; text: string };
