import { readFile } from "node:fs/promises";
import path from "node:path";
import type { z } from "zod";
import type { Problem } from "../../errors/index.js";
import type { ConfigNode, Origin } from "./config-node.js";
import { displayPath } from "./display-path.js";
import { interpolateEnv, type Env } from "./interpolate.js";
import { mergeNodes } from "./merge.js";
import { parseYamlSource } from "./yaml-source.js";

export interface ChainContext {
  cwd: string;
  env: Env;
  schema: z.core.$ZodType;
  /** Every file read, in reading order. */
  files: string[];
  problems: Problem[];
  /** Problems that leave the tree incomplete (unreadable files, YAML syntax, extends). */
  fatal: boolean;
}

/**
 * Read a file and everything it extends, merged: its bases in order (later wins), then the
 * file itself. `referencedAt` is where the file was named (an `extends` entry), for messages.
 */
export async function loadChain(
  file: string,
  ctx: ChainContext,
  stack: string[] = [],
  referencedAt?: Origin,
): Promise<ConfigNode | undefined> {
  const shown = displayPath(file, ctx.cwd);
  if (stack.includes(file)) {
    const chain = [...stack.slice(stack.indexOf(file)), file].map((f) => displayPath(f, ctx.cwd));
    return fail(ctx, {
      position: referencedAt,
      path: "extends",
      message: `extends cycle: ${chain.join(" -> ")}`,
      hint: "remove one of these extends entries",
    });
  }
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const what =
      code === "ENOENT"
        ? "file not found"
        : code === "EISDIR"
          ? "is a directory"
          : `cannot read (${code ?? String(error)})`;
    return fail(ctx, {
      position: referencedAt ?? { file: shown },
      path: referencedAt ? "extends" : undefined,
      message: referencedAt ? `${shown}: ${what}` : what,
      hint: referencedAt ? "extends paths are relative to the file that declares them" : undefined,
    });
  }
  ctx.files.push(file);
  const parsed = parseYamlSource(text, { file: shown, dir: path.dirname(file) });
  if (!parsed.node || parsed.problems.length > 0) {
    ctx.problems.push(...parsed.problems);
    ctx.fatal = true;
    return undefined;
  }
  let own = parsed.node;
  if (own.kind === "scalar" && own.value === null)
    own = { kind: "map", at: own.at, entries: new Map() };
  if (own.kind !== "map") {
    return fail(ctx, {
      position: own.at,
      message: "the file must be a mapping of keys (name:, model:, data:, ...)",
    });
  }
  const interpolated = interpolateEnv(own, ctx.env, ctx.schema);
  ctx.problems.push(...interpolated.problems);
  own = interpolated.node;
  if (own.kind !== "map") return undefined;

  const bases = extendsEntries(own, ctx);
  let merged: ConfigNode | undefined;
  for (const base of bases) {
    const target = path.resolve(path.dirname(file), base.value);
    const loaded = await loadChain(target, ctx, [...stack, file], base.at);
    if (loaded) merged = mergeNodes(merged, loaded);
  }
  const entries = new Map(own.entries);
  entries.delete("extends");
  entries.delete("$schema");
  return mergeNodes(merged, { ...own, entries });
}

function extendsEntries(own: Extract<ConfigNode, { kind: "map" }>, ctx: ChainContext) {
  const entry = own.entries.get("extends");
  if (!entry || (entry.node.kind === "scalar" && entry.node.value === null)) return [];
  const items = entry.node.kind === "seq" ? entry.node.items : [entry.node];
  const out: Array<{ value: string; at: Origin }> = [];
  for (const item of items) {
    if (item.kind === "scalar" && typeof item.value === "string" && item.value !== "") {
      out.push({ value: item.value, at: item.at });
    } else {
      fail(ctx, {
        position: item.at,
        path: "extends",
        message: "extends must be a file path or a list of file paths",
        expected: "a string such as ./base.yaml",
      });
    }
  }
  return out;
}

function fail(ctx: ChainContext, problem: Problem): undefined {
  ctx.problems.push(problem);
  ctx.fatal = true;
  return undefined;
}
