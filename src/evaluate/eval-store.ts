import { mkdir, readFile, readdir } from "node:fs/promises";
import path from "node:path";
import { writeFileAtomic } from "../runs/index.js";
import { evalRecordSchema, type EvalRecord } from "./eval-record.js";
import { judgeRecordSchema, type JudgeRecord } from "./judge-record.js";

/** `runs/<id>/evals/`: one eval record per checkpoint step, and judge records beside them. */
export function evalsDir(runDir: string): string {
  return path.join(runDir, "evals");
}

export function evalRecordPath(runDir: string, step: number): string {
  return path.join(evalsDir(runDir), `step-${step}.json`);
}

/** The stored record of a step, or null when none (or one that does not parse: it is redone). */
export async function readEvalRecord(runDir: string, step: number): Promise<EvalRecord | null> {
  const text = await readFile(evalRecordPath(runDir, step), "utf8").catch(() => null);
  if (text === null) return null;
  try {
    const parsed = evalRecordSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export async function writeEvalRecord(runDir: string, record: EvalRecord): Promise<void> {
  await mkdir(evalsDir(runDir), { recursive: true });
  await writeFileAtomic(
    evalRecordPath(runDir, record.step),
    `${JSON.stringify(evalRecordSchema.parse(record), null, 2)}\n`,
  );
}

/** Every stored eval record of a run, by step; [] without any. */
export async function readEvalRecords(runDir: string): Promise<EvalRecord[]> {
  const names = await readdir(evalsDir(runDir)).catch(() => [] as string[]);
  const steps = names
    .map((name) => /^step-(\d+)\.json$/.exec(name)?.[1])
    .filter((step): step is string => step !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
  const records = await Promise.all(steps.map((step) => readEvalRecord(runDir, step)));
  return records.filter((record): record is EvalRecord => record !== null);
}

export function judgeRecordPath(runDir: string, step: number, against: string): string {
  return path.join(evalsDir(runDir), `step-${step}.judge-${against.replace(/[^\w.-]/g, "_")}.json`);
}

export async function readJudgeRecord(
  runDir: string,
  step: number,
  against: string,
): Promise<JudgeRecord | null> {
  const text = await readFile(judgeRecordPath(runDir, step, against), "utf8").catch(() => null);
  if (text === null) return null;
  try {
    const parsed = judgeRecordSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export async function writeJudgeRecord(runDir: string, record: JudgeRecord): Promise<void> {
  await mkdir(evalsDir(runDir), { recursive: true });
  await writeFileAtomic(
    judgeRecordPath(runDir, record.step, record.against.label),
    `${JSON.stringify(judgeRecordSchema.parse(record), null, 2)}\n`,
  );
}

/** Every judge record of a run, by step then label. */
export async function readJudgeRecords(runDir: string): Promise<JudgeRecord[]> {
  const names = await readdir(evalsDir(runDir)).catch(() => [] as string[]);
  const texts = await Promise.all(
    names
      .filter((name) => /^step-\d+\.judge-.+\.json$/.test(name))
      .map((name) => readFile(path.join(evalsDir(runDir), name), "utf8").catch(() => "")),
  );
  const records = texts.flatMap((text) => {
    try {
      const parsed = judgeRecordSchema.safeParse(JSON.parse(text));
      return parsed.success ? [parsed.data] : [];
    } catch {
      return [];
    }
  });
  return records.sort((a, b) => a.step - b.step || a.against.label.localeCompare(b.against.label));
}
