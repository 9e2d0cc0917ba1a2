export {
  createAllPairsDeduper,
  createDeduper,
  DEFAULT_DEDUP_THRESHOLD,
  type DedupOptions,
  type DedupVerdict,
  type Deduper,
} from "./deduper.js";
export { lcsFMeasure, rougeL } from "./rouge-l.js";
export { tokenize } from "./tokenize.js";
