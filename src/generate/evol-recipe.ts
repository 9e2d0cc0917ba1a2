import { encodeAnswerPrompt, unusableAnswer } from "./answer-recipe.js";
import { pick } from "./chat-endpoint.js";
import {
  copiesEvolvingPrompt,
  hardToAnswer,
  judgedEqual,
  onlyPunctuationAndStopWords,
  sameInstruction,
} from "./evol-elimination.js";
import { encodeEqualityPrompt, encodeEvolPrompt, evolvableText } from "./evol-prompt.js";
import type { OutputRecord, Recipe, Stage } from "./recipe-stages.js";
import { RejectionCounts } from "./rejection-counts.js";
import type { JournalEntry } from "./request-journal.js";
import type { SeedTask } from "./seed-tasks.js";
import type { EvolOperation, EvolSpec } from "./spec-schema.js";
import { seededRandom } from "./task-pool.js";

export interface EvolProvenance {
  mode: "evol";
  /** The request that answered the evolved instruction, and the endpoint's id for it. */
  request: string;
  request_id?: string;
  /** The request that rewrote the parent. */
  evolve_request: string;
  seed_id: string;
  round: number;
  operation: EvolOperation;
  /** `seed_id` for a seed, `<seed_id>@<round>` for an instruction evolved in that round. */
  id: string;
  parent: string;
  model: string;
}

/** The instruction a seed's line of evolution stands at. */
interface Lineage {
  id: string;
  seed_id: string;
  text: string;
}

interface Evolution {
  lineage: number;
  text: string;
  operation: EvolOperation;
  evolve_request: string;
}

/** The operation for one lineage in one round: uniform over the enabled ones, seeded. */
export function operationFor(spec: EvolSpec, round: number, lineage: number): EvolOperation {
  const ops = spec.recipe.operations;
  return ops[Math.floor(seededRandom(spec.seed, "evol", round, lineage)() * ops.length)]!;
}

/**
 * `evol`: each round rewrites every lineage's current instruction with one operation, drops
 * failed evolutions by the paper's rules (the lineage keeps its parent for the next round),
 * and answers each one kept. Three stages a round: evolveN, equalN (unless equality_check is
 * off), answerN; a stage's requests are in lineage order, so what is kept depends only on the
 * answers.
 */
export function evolRecipe(spec: EvolSpec, seeds: SeedTask[]): Recipe {
  const counts = new RejectionCounts();
  const r = spec.recipe;
  const lineages: Lineage[] = seeds.slice(0, spec.max_records ?? seeds.length).map((seed) => ({
    id: seed.id,
    seed_id: seed.id,
    text: evolvableText(seed.instruction, seed.input),
  }));
  const kept: OutputRecord[] = [];
  let finished = false;

  const evolveStage = (round: number, evolutions: Evolution[]): Stage => ({
    name: `evolve${round}`,
    announce: { records: lineages.length, what: `instructions to evolve (round ${round})` },
    wants: (_inFlight, next) => next < lineages.length,
    plan(index) {
      const operation = operationFor(spec, round, index);
      return {
        prompt: encodeEvolPrompt(operation, lineages[index]!.text),
        sampling: pick(r.evolve),
        seed_ids: [lineages[index]!.seed_id],
        machine_indices: [index],
      };
    },
    apply(entry) {
      const index = entry.machine_indices[0]!;
      const text = entry.content.trim();
      const reason = evolutionFailure(entry, lineages[index]!.text, text);
      if (reason) return counts.reject(reason);
      evolutions.push({
        lineage: index,
        text,
        operation: operationFor(spec, round, index),
        evolve_request: entry.id,
      });
    },
  });

  const equalStage = (round: number, evolutions: Evolution[], passed: Evolution[]): Stage => ({
    name: `equal${round}`,
    announce: { records: evolutions.length, what: "equality checks" },
    wants: (_inFlight, next) => next < evolutions.length,
    plan(index) {
      const evolution = evolutions[index]!;
      return {
        prompt: encodeEqualityPrompt(lineages[evolution.lineage]!.text, evolution.text),
        sampling: pick(r.equality),
        seed_ids: [lineages[evolution.lineage]!.seed_id],
        machine_indices: [evolution.lineage],
      };
    },
    apply(entry) {
      const evolution = evolutions[entry.index]!;
      if (judgedEqual(entry.content)) return counts.reject("no_information_gain");
      passed.push(evolution);
    },
  });

  const answerStage = (round: number, passed: Evolution[]): Stage => ({
    name: `answer${round}`,
    announce: { records: passed.length, what: "evolved instructions to answer" },
    wants: (_inFlight, next) => next < passed.length,
    plan(index) {
      const evolution = passed[index]!;
      return {
        prompt: encodeAnswerPrompt(evolution.text, ""),
        sampling: pick(r.answer),
        seed_ids: [lineages[evolution.lineage]!.seed_id],
        machine_indices: [evolution.lineage],
      };
    },
    apply(entry) {
      const evolution = passed[entry.index]!;
      const answer = entry.content.trim();
      const reason =
        unusableAnswer(entry) ??
        (hardToAnswer(answer, r.sorry_max_words)
          ? "hard_to_answer"
          : onlyPunctuationAndStopWords(answer)
            ? "stopwords_only"
            : undefined);
      if (reason) return counts.reject(reason);
      const lineage = lineages[evolution.lineage]!;
      const id = `${lineage.seed_id}@${round}`;
      kept.push({
        instruction: evolution.text,
        input: "",
        output: answer,
        provenance: {
          mode: "evol",
          request: entry.id,
          ...(entry.request_id ? { request_id: entry.request_id } : {}),
          evolve_request: evolution.evolve_request,
          seed_id: lineage.seed_id,
          round,
          operation: evolution.operation,
          id,
          parent: lineage.id,
          model: spec.endpoint.model,
        },
      });
      lineages[evolution.lineage] = { id, seed_id: lineage.seed_id, text: evolution.text };
    },
  });

  return {
    counts,
    target: lineages.length * spec.rounds,
    done: () => kept.length,
    *stages() {
      for (let round = 1; round <= spec.rounds; round++) {
        const evolutions: Evolution[] = [];
        yield evolveStage(round, evolutions);
        let passed = evolutions;
        if (spec.equality_check) {
          passed = [];
          yield equalStage(round, evolutions, passed);
        }
        yield answerStage(round, passed);
      }
      finished = true;
    },
    records: () => kept,
    complete: () => finished,
  };
}

/** Rules 4 and 1 (by text) on the rewrite itself; the answer's rules come after answering. */
function evolutionFailure(entry: JournalEntry, parent: string, evolved: string) {
  if (entry.finish_reason === "length") return "truncated" as const;
  if (evolved === "") return "empty" as const;
  if (copiesEvolvingPrompt(evolved)) return "copies_prompt" as const;
  if (sameInstruction(parent, evolved)) return "no_information_gain" as const;
  return undefined;
}
