/** Where a problem sits in a source file; lines and columns are 1-based. */
export interface SourcePosition {
  file: string;
  line?: number;
  col?: number;
}

/** One thing wrong with a user's input, rendered as `FILE:LINE:COL: path: message (expected)`. */
export interface Problem {
  message: string;
  position?: SourcePosition;
  /** Dotted config path (`train.learning_rate`) or record field. */
  path?: string;
  expected?: string;
  hint?: string;
}

export function formatPosition(position: SourcePosition): string {
  let out = position.file;
  if (position.line !== undefined) out += `:${position.line}`;
  if (position.line !== undefined && position.col !== undefined) out += `:${position.col}`;
  return out;
}

export function formatProblem(problem: Problem): string {
  const parts: string[] = [];
  if (problem.position) parts.push(formatPosition(problem.position));
  if (problem.path) parts.push(problem.path);
  let text = problem.message;
  if (problem.expected) text += ` (expected ${problem.expected})`;
  parts.push(text);
  let line = parts.join(": ");
  if (problem.hint) line += `\n  hint: ${problem.hint}`;
  return line;
}
