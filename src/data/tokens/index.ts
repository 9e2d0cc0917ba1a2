export { loadModelTokenizer, type ModelTokenizer } from "./model-tokenizer.js";
export { TrainerTokenizer, type TokenizerFiles } from "./trainer-tokenizer.js";
export { tinyTokenizerFiles } from "./tiny-tokenizer.js";
export { encodeRecord, RecordEncodeError, trainableTokens } from "./record-tokens.js";
export { TokenStatsAccumulator, type TokenStats } from "./token-stats.js";
export { describeTokens, judgeTruncation, type TruncationVerdict } from "./token-check.js";
export { countFile, countRenderedTokens, type SplitTokens } from "./staged-tokens.js";
export { checkRenderedTokens } from "./experiment-tokens.js";
