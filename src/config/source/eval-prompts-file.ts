import { readFile } from "node:fs/promises";
import type { Problem } from "../../errors/index.js";
import { evalPromptSchema, type EvalPrompt } from "../schema/index.js";
import { locate, type ConfigNode } from "./config-node.js";
import { displayPath } from "./display-path.js";

const expected = 'a JSON string or {"instruction": ..., "input"?, "system"?, "id"?}';

/**
 * `eval.prompts` as a list: a prompts file is read here, once, so the resolved config (and the
 * registry's config.yaml, which a resume reads) holds the prompts themselves. A `.jsonl` file
 * holds one prompt a line (a JSON string or object); any other file one instruction a line.
 * Blank lines are skipped. Explicit ids must be unique.
 */
export async function readEvalPrompts(
  prompts: string | EvalPrompt[] | undefined,
  tree: ConfigNode,
  cwd: string,
): Promise<{ prompts?: EvalPrompt[]; problems: Problem[] }> {
  if (prompts === undefined) return { problems: [] };
  if (typeof prompts !== "string") {
    return { prompts, problems: duplicateIds(prompts, (i) => inlineAt(tree, i)) };
  }
  const shown = displayPath(prompts, cwd);
  const at = locate(tree, ["eval", "prompts"]).at;
  let text: string;
  try {
    text = await readFile(prompts, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "not found" : "unreadable";
    return {
      problems: [
        {
          position: { file: at.file, line: at.line, col: at.col },
          path: "eval.prompts",
          message: `prompts file ${shown} is ${reason}`,
          hint: "the path is relative to the file that names it; or list the prompts inline",
        },
      ],
    };
  }
  const jsonl = /\.jsonl$/i.test(prompts);
  const read: EvalPrompt[] = [];
  const lines: number[] = [];
  const problems: Problem[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === "") return;
    const position = { file: shown, line: index + 1, col: 1 };
    if (!jsonl) {
      read.push(line);
      lines.push(index + 1);
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      problems.push({
        position,
        path: "eval.prompts",
        message: `not JSON: ${(error as Error).message}`,
        expected,
      });
      return;
    }
    const parsed = evalPromptSchema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? `${issue.path.join(".")}: ` : "";
      problems.push({
        position,
        path: "eval.prompts",
        message: `not a prompt: ${where}${issue?.message ?? "invalid"}`,
        expected,
      });
      return;
    }
    read.push(parsed.data);
    lines.push(index + 1);
  });
  if (problems.length === 0 && read.length === 0) {
    problems.push({
      position: { file: shown },
      path: "eval.prompts",
      message: "the prompts file has no prompts",
      hint: "write one prompt a line; `eval.prompts: []` asks none",
    });
  }
  problems.push(...duplicateIds(read, (i) => ({ file: shown, line: lines[i], col: 1 })));
  return problems.length ? { problems } : { prompts: read, problems };
}

/** A prompt's id: its own, or prompt-<N> counting from 1. */
export function evalPromptId(prompt: EvalPrompt, index: number): string {
  return (typeof prompt === "string" ? undefined : prompt.id) ?? `prompt-${index + 1}`;
}

function inlineAt(tree: ConfigNode, index: number) {
  const { at } = locate(tree, ["eval", "prompts", index, "id"]);
  return { file: at.file, line: at.line, col: at.col };
}

function duplicateIds(
  prompts: EvalPrompt[],
  position: (index: number) => Problem["position"],
): Problem[] {
  const seen = new Map<string, number>();
  const problems: Problem[] = [];
  prompts.forEach((prompt, index) => {
    const id = evalPromptId(prompt, index);
    if (seen.has(id)) {
      problems.push({
        position: position(index),
        path: "eval.prompts",
        message: `prompt id ${id} is used twice (first by prompt ${seen.get(id)! + 1})`,
      });
    } else seen.set(id, index);
  });
  return problems;
}
