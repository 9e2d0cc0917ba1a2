import { readFile } from "node:fs/promises";
import { summarizeRun, type RunSummary } from "../compare/index.js";
import { parseGenerationLines } from "../contract/index.js";
import { listCheckpoints, type BucketStore, type CheckpointListing } from "../monitor/index.js";
import type { RunRecord, RunRegistry } from "../runs/index.js";

/** One prompt's answers at every eval step, oldest first (the latest attempt's at a step). */
export interface PromptAnswers {
  prompt_id: string;
  prompt: string;
  answers: { step: number; attempt: number; output: string }[];
}

/** What the run page shows besides its curves and log. */
export interface RunPage {
  run: RunRecord;
  summary: RunSummary;
  config: string;
  checkpoints: CheckpointListing[];
  generations: PromptAnswers[];
}

/** `store`: the bucket, so each checkpoint says whether a copy is there too. */
export async function runPage(
  registry: RunRegistry,
  id: string,
  store?: BucketStore,
): Promise<RunPage> {
  const run = await registry.get(id);
  const paths = registry.paths(id);
  const [summary, config, checkpoints, generations] = await Promise.all([
    summarizeRun(registry, run),
    readFile(paths.config, "utf8").catch(() => ""),
    listCheckpoints(registry, run, store ? { store } : {}),
    readPromptAnswers(paths.generations),
  ]);
  return { run, summary, config, checkpoints, generations };
}

export async function readPromptAnswers(file: string): Promise<PromptAnswers[]> {
  const text = await readFile(file, "utf8").catch(() => "");
  const byPrompt = new Map<string, PromptAnswers>();
  for (const line of parseGenerationLines(text).lines) {
    let prompt = byPrompt.get(line.prompt_id);
    if (!prompt) {
      prompt = { prompt_id: line.prompt_id, prompt: line.prompt, answers: [] };
      byPrompt.set(line.prompt_id, prompt);
    }
    const answer = { step: line.step, attempt: line.attempt, output: line.output };
    const at = prompt.answers.findIndex((a) => a.step === line.step);
    // a resumed attempt redoes steps: its answer replaces the earlier attempt's
    if (at === -1) prompt.answers.push(answer);
    else if (line.attempt >= prompt.answers[at]!.attempt) prompt.answers[at] = answer;
  }
  for (const prompt of byPrompt.values()) prompt.answers.sort((a, b) => a.step - b.step);
  return [...byPrompt.values()];
}
