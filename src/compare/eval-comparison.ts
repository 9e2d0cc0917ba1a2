import { readEvalRecords, readJudgeRecords } from "../evaluate/index.js";

/** One evaluated checkpoint of a compared run (`tunectl eval`). */
export interface EvalRow {
  run: string;
  step: number;
  eval_loss: number | null;
  token_accuracy: number | null;
  /** The judge's win rate of this checkpoint, by reference (`base`, `<run>@<step>`). */
  win_rate: Record<string, number>;
}

/** One eval prompt with every evaluated checkpoint's answer to it. */
export interface EvalPromptAnswers {
  prompt_id: string;
  prompt: string;
  answers: Array<{ run: string; step: number; output: string }>;
}

export interface EvalComparison {
  checkpoints: EvalRow[];
  prompts: EvalPromptAnswers[];
}

/** The stored eval results of each run (runs/<id>/evals/), rows in run order then step. */
export async function compareEvals(
  runDirs: Array<{ id: string; dir: string }>,
): Promise<EvalComparison> {
  const rows: EvalRow[] = [];
  const prompts = new Map<string, EvalPromptAnswers>();
  for (const { id, dir } of runDirs) {
    const [records, judges] = await Promise.all([readEvalRecords(dir), readJudgeRecords(dir)]);
    for (const record of records) {
      const win_rate: Record<string, number> = {};
      for (const judge of judges.filter((j) => j.step === record.step))
        win_rate[judge.against.label] = judge.win_rate;
      rows.push({
        run: id,
        step: record.step,
        eval_loss: record.eval_loss,
        token_accuracy: record.token_accuracy,
        win_rate,
      });
      for (const answer of record.answers) {
        const entry = prompts.get(answer.prompt_id) ?? {
          prompt_id: answer.prompt_id,
          prompt: answer.prompt,
          answers: [],
        };
        entry.answers.push({ run: id, step: record.step, output: answer.output });
        prompts.set(answer.prompt_id, entry);
      }
    }
  }
  return { checkpoints: rows, prompts: [...prompts.values()] };
}
