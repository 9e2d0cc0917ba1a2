import {
  alpacaPreamble,
  alpacaStop,
  encodeAlpacaPrompt,
  parseAlpacaAnswer,
} from "./alpaca-prompt.js";
import { answerRecipe, type AnswerProvenance } from "./answer-recipe.js";
import { pick, type Sampling } from "./chat-endpoint.js";
import { evolRecipe, type EvolProvenance } from "./evol-recipe.js";
import type { RejectionCounts } from "./rejection-counts.js";
import type { JournalEntry } from "./request-journal.js";
import type { SeedTask } from "./seed-tasks.js";
import {
  encodeInstancePrompt,
  encodeSelfInstructPrompt,
  parseInstanceAnswer,
  parseSelfInstructAnswer,
} from "./self-instruct-prompt.js";
import type { AlpacaSpec, GenerateSpec, SelfInstructSpec } from "./spec-schema.js";
import {
  sampleIndices,
  seededRandom,
  TaskPool,
  type GeneratedTask,
  type Provenance,
} from "./task-pool.js";

export interface PlannedRequest {
  prompt: string;
  sampling: Sampling;
  seed_ids: string[];
  machine_indices: number[];
}

/**
 * One kind of request of a recipe. The scheduler asks `plan` for request `index` while
 * `wants` says more are useful, and hands every completed answer to `apply` in index order,
 * so what is kept depends only on the answers, never on which came back first.
 */
export interface Stage {
  name: string;
  /** Announced when the stage starts: how many requests, and what for. */
  announce?: { records: number; what: string };
  wants(inFlight: number, next: number): boolean;
  plan(index: number): PlannedRequest;
  apply(entry: JournalEntry): void;
}

/** A line of the output: an Alpaca record with where it came from. */
export interface OutputRecord {
  instruction: string;
  input: string;
  output: string;
  provenance: Provenance | AnswerProvenance | EvolProvenance;
}

export interface Recipe {
  /** Why candidates were dropped, by reason (the progress line and the histogram). */
  counts: RejectionCounts;
  /** Records asked for, or at most possible: the progress line's total. */
  target: number;
  /** Records kept so far, for the progress line. */
  done(): number;
  /** Stages in order; a later one is built from what the earlier ones kept. */
  stages(): Iterable<Stage>;
  /** The records to write (at most num_instructions). */
  records(): OutputRecord[];
  /** Everything asked for is there (unless a limit stopped the run). */
  complete(): boolean;
}

export interface RecipeInput {
  spec: GenerateSpec;
  seeds: SeedTask[];
  promptText?: string;
}

export function recipeFor(input: RecipeInput): Recipe {
  switch (input.spec.mode) {
    case "alpaca":
      return alpacaRecipe(input.spec, input.seeds, input.promptText);
    case "self-instruct":
      return selfInstructRecipe(input.spec, input.seeds);
    case "answer":
      return answerRecipe(input.spec, input.seeds);
    case "evol":
      return evolRecipe(input.spec, input.seeds);
  }
}

/** Requests still useful: none once enough is kept, fewer as in-flight ones are expected to yield. */
function stillWanted(kept: number, target: number, inFlight: number, perRequest: number): boolean {
  if (kept >= target) return false;
  return inFlight === 0 || kept + inFlight * perRequest < target;
}

function alpacaRecipe(spec: AlpacaSpec, seeds: SeedTask[], promptText?: string): Recipe {
  const pool = new TaskPool(seeds, spec.filters, spec.dedup.threshold);
  const r = spec.recipe;
  const sampling: Sampling = {
    temperature: r.temperature,
    top_p: r.top_p,
    max_tokens: r.max_tokens,
    presence_penalty: r.presence_penalty,
    frequency_penalty: r.frequency_penalty,
    stop: r.stop ?? alpacaStop(r.tasks_per_request),
  };
  const preamble = promptText ?? alpacaPreamble(r.tasks_per_request);
  let applied = 0;
  const stage: Stage = {
    name: "tasks",
    wants(inFlight) {
      const fresh = Math.max(
        1,
        r.tasks_per_request - r.prompt_seed_tasks - r.prompt_machine_tasks - 1,
      );
      const perRequest = applied > 0 ? Math.max(0.5, pool.kept.length / applied) : fresh;
      return stillWanted(pool.kept.length, spec.num_instructions, inFlight, perRequest);
    },
    plan(index) {
      const random = seededRandom(spec.seed, "tasks", index);
      const seedPicks = sampleIndices(seeds.length, r.prompt_seed_tasks, random);
      const machine = sampleIndices(pool.kept.length, r.prompt_machine_tasks, random);
      const tasks = [...seedPicks.map((i) => seeds[i]!), ...machine.map((i) => pool.kept[i]!)];
      return {
        prompt: encodeAlpacaPrompt(preamble, tasks),
        sampling,
        seed_ids: seedPicks.map((i) => seeds[i]!.id),
        machine_indices: machine,
      };
    },
    apply(entry) {
      applied += 1;
      const shown = entry.seed_ids.length + entry.machine_indices.length;
      const provenance = provenanceOf(spec, entry);
      for (const candidate of parseAlpacaAnswer(entry.content, shown, entry.finish_reason)) {
        pool.offer(candidate, provenance);
      }
    },
  };
  return {
    counts: pool,
    target: spec.num_instructions,
    done: () => Math.min(spec.num_instructions, pool.kept.length),
    stages: () => [stage],
    records: () => pool.kept.slice(0, spec.num_instructions),
    complete: () => pool.kept.length >= spec.num_instructions,
  };
}

function selfInstructRecipe(spec: SelfInstructSpec, seeds: SeedTask[]): Recipe {
  const pool = new TaskPool(seeds, spec.filters, spec.dedup.threshold);
  const r = spec.recipe;
  const total = r.prompt_seed_tasks + r.prompt_machine_tasks;
  const withOutputs: GeneratedTask[] = [];
  let applied = 0;
  const instructions: Stage = {
    name: "tasks",
    wants(inFlight) {
      const perRequest = applied > 0 ? Math.max(0.5, pool.kept.length / applied) : 4;
      return stillWanted(pool.kept.length, spec.num_instructions, inFlight, perRequest);
    },
    plan(index) {
      const random = seededRandom(spec.seed, "tasks", index);
      const machine = sampleIndices(pool.kept.length, r.prompt_machine_tasks, random);
      const seedPicks = sampleIndices(seeds.length, total - machine.length, random);
      const texts = [
        ...machine.map((i) => pool.kept[i]!.instruction),
        ...seedPicks.map((i) => seeds[i]!.instruction),
      ];
      // shuffled together, as published
      const order = sampleIndices(texts.length, texts.length, random);
      return {
        prompt: encodeSelfInstructPrompt(order.map((i) => texts[i]!)),
        sampling: { ...pick(r) },
        seed_ids: seedPicks.map((i) => seeds[i]!.id),
        machine_indices: machine,
      };
    },
    apply(entry) {
      applied += 1;
      const provenance = provenanceOf(spec, entry);
      for (const candidate of parseSelfInstructAnswer(entry.content, entry.finish_reason)) {
        pool.offer(candidate, provenance);
      }
    },
  };
  const instances = (count: number): Stage => ({
    name: "instances",
    announce: { records: count, what: "instructions to answer" },
    wants: (_inFlight, next) => next < count,
    plan(index) {
      const task = pool.kept[index]!;
      return {
        prompt: encodeInstancePrompt(task.instruction),
        sampling: pick(r.instances),
        seed_ids: task.provenance.seed_ids,
        machine_indices: [index],
      };
    },
    apply(entry) {
      const task = pool.kept[entry.machine_indices[0] ?? entry.index]!;
      const instance = parseInstanceAnswer(entry.content, entry.finish_reason);
      if (!instance)
        return pool.reject(entry.finish_reason === "length" ? "truncated" : "no_instance");
      withOutputs.push({
        ...task,
        ...instance,
        provenance: { ...task.provenance, instance_request: entry.id },
      });
    },
  });
  return {
    counts: pool,
    target: spec.num_instructions,
    done: () => Math.min(spec.num_instructions, withOutputs.length || pool.kept.length),
    *stages() {
      yield instructions;
      yield instances(Math.min(pool.kept.length, spec.num_instructions));
    },
    records: () => withOutputs,
    complete: () => withOutputs.length >= spec.num_instructions,
  };
}

function provenanceOf(spec: AlpacaSpec | SelfInstructSpec, entry: JournalEntry) {
  return {
    mode: spec.mode,
    request: entry.id,
    ...(entry.request_id ? { request_id: entry.request_id } : {}),
    seed_ids: entry.seed_ids,
    model: spec.endpoint.model,
  };
}
