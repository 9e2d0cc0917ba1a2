import { readFile } from "node:fs/promises";
import { diffConfigs, summarizeRun, type DiffRow, type RunSummary } from "../compare/index.js";
import type { RunRegistry } from "../runs/index.js";
import { runCurves, type CurveAxis, type RunCurves } from "./run-curves.js";
import { readPromptAnswers, type PromptAnswers } from "./run-page.js";

/** The compare page: what differs, the summaries, every run's curves and answers. */
export interface ComparePage {
  runs: { id: string; name: string; state: string }[];
  diff: DiffRow[];
  summaries: RunSummary[];
  curves: RunCurves[];
  /** Per prompt, each run's answers in `runs` order ([] where a run has none). */
  generations: { prompt_id: string; prompt: string; answers: PromptAnswers["answers"][] }[];
}

export async function comparePage(
  registry: RunRegistry,
  refs: string[],
  axis: CurveAxis,
  limit: number,
): Promise<ComparePage> {
  const runs = await Promise.all(refs.map((ref) => registry.resolve(ref)));
  const configured = await Promise.all(
    runs.map(async (run) => ({
      run,
      configYaml: await readFile(registry.paths(run.id).config, "utf8").catch(() => ""),
    })),
  );
  const [summaries, curves, answers] = await Promise.all([
    Promise.all(runs.map((run) => summarizeRun(registry, run))),
    Promise.all(runs.map((run) => runCurves(registry.paths(run.id).metrics, axis, limit))),
    Promise.all(runs.map((run) => readPromptAnswers(registry.paths(run.id).generations))),
  ]);
  const prompts = new Map<string, ComparePage["generations"][number]>();
  answers.forEach((perRun, index) => {
    for (const prompt of perRun) {
      let row = prompts.get(prompt.prompt_id);
      if (!row) {
        row = { prompt_id: prompt.prompt_id, prompt: prompt.prompt, answers: runs.map(() => []) };
        prompts.set(prompt.prompt_id, row);
      }
      row.answers[index] = prompt.answers;
    }
  });
  return {
    runs: runs.map((run) => ({ id: run.id, name: run.name, state: run.state })),
    diff: diffConfigs(configured, false),
    summaries,
    curves,
    generations: [...prompts.values()],
  };
}
