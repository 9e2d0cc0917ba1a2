import { createDeduper, type Deduper } from "./dedup/index.js";
import type { Candidate } from "./candidate.js";
import { RejectionCounts } from "./rejection-counts.js";
import type { SeedTask } from "./seed-tasks.js";
import type { FilterSettings } from "./spec-schema.js";
import { instructionFilter, type InstructionFilter } from "./task-filters.js";

export interface Provenance {
  mode: string;
  /** Our request id (the journal's key) and the endpoint's, when it gave one. */
  request: string;
  request_id?: string;
  seed_ids: string[];
  model: string;
  /** self-instruct: the request that wrote the input and output. */
  instance_request?: string;
}

export interface GeneratedTask {
  instruction: string;
  input: string;
  output: string;
  provenance: Provenance;
}

/**
 * The tasks kept so far and why others were not: every candidate goes through the filters,
 * then ROUGE-L dedup against the seeds and every kept task, in request order.
 */
export class TaskPool extends RejectionCounts {
  readonly kept: GeneratedTask[] = [];
  private readonly filter: InstructionFilter;
  private readonly deduper: Deduper;

  constructor(seeds: SeedTask[], filters: FilterSettings, threshold: number) {
    super();
    this.filter = instructionFilter(filters);
    this.deduper = createDeduper({ threshold });
    for (const seed of seeds) this.deduper.add(seed.instruction);
  }

  offer(candidate: Candidate, provenance: Provenance): void {
    if (candidate.rejected) return this.reject(candidate.rejected);
    const reason = this.filter.check(candidate.instruction);
    if (reason) return this.reject(reason);
    if (!this.deduper.offer(candidate.instruction).kept) return this.reject("duplicate");
    this.kept.push({
      instruction: candidate.instruction,
      input: candidate.input,
      output: candidate.output,
      provenance,
    });
  }
}

/** A small seeded generator (mulberry32), one stream per request so choices do not depend on timing. */
export function seededRandom(...parts: Array<number | string>): () => number {
  let h = 2166136261;
  for (const ch of parts.join("/")) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `k` distinct indices of `0..n-1`, in drawn order. */
export function sampleIndices(n: number, k: number, random: () => number): number[] {
  const all = Array.from({ length: n }, (_, i) => i);
  const count = Math.min(k, n);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random() * (n - i));
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return all.slice(0, count);
}
