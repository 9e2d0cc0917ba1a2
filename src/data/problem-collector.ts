import { UserError, type Problem } from "../errors/index.js";
import type { RecordProblem } from "./example.js";

export const maxProblemsShown = 20;

/** Keeps the first problems for display and counts every invalid record. */
export class ProblemCollector {
  readonly shown: Problem[] = [];
  invalidRecords = 0;
  problemCount = 0;
  readonly shownWarnings: Problem[] = [];
  warningCount = 0;

  addWarnings(warnings: RecordProblem[]): void {
    for (const warning of warnings) {
      this.warningCount += 1;
      if (this.shownWarnings.length < maxProblemsShown) this.shownWarnings.push(toProblem(warning));
    }
  }

  warnings(): Problem[] {
    const hidden = this.warningCount - this.shownWarnings.length;
    return hidden > 0
      ? [...this.shownWarnings, { message: `... and ${hidden} more warnings` }]
      : [...this.shownWarnings];
  }

  addRecord(problems: RecordProblem[]): void {
    this.invalidRecords += 1;
    for (const problem of problems) {
      this.problemCount += 1;
      if (this.shown.length < maxProblemsShown) this.shown.push(toProblem(problem));
    }
  }

  /** The problems to show, with a last line counting those left out. */
  problems(): Problem[] {
    const hidden = this.problemCount - this.shown.length;
    return hidden > 0
      ? [...this.shown, { message: `... and ${hidden} more problems` }]
      : [...this.shown];
  }

  error(what: string): UserError {
    const records = this.invalidRecords === 1 ? "record" : "records";
    return new UserError(`${this.invalidRecords} invalid ${records} in ${what}`, {
      code: "data.invalid",
      problems: this.problems(),
      hint: "fix the records, or set data.on_error: skip to leave them out",
      data: { invalid_records: this.invalidRecords, problems: this.problemCount },
    });
  }
}

export function toProblem(problem: RecordProblem): Problem {
  return {
    position: { file: problem.where },
    ...(problem.field === undefined ? {} : { path: problem.field }),
    message: problem.message,
  };
}
