import type { z } from "zod";
import type { Problem } from "../../errors/index.js";
import { acceptsString, childSchema, keysOf, leafPaths, schemaAt } from "../schema-walk.js";
import { suggest } from "../suggest.js";
import { emptyMap, type ConfigNode, type MapEntry, type Origin } from "./config-node.js";
import { interpolateEnv, type Env } from "./interpolate.js";
import { mergeNodes } from "./merge.js";
import { parseYamlSource } from "./yaml-source.js";

/**
 * `--set path=value` applied on top of the merged files. The path is checked against the
 * schema (with "did you mean"), the value is read as YAML (`[q_proj, v_proj]`, `1e-4`), and
 * kept as text where the schema wants text. Problems name the flag itself as their position.
 */
export function applySets(
  root: ConfigNode,
  sets: readonly string[],
  schema: z.core.$ZodType,
  options: { cwd: string; env: Env },
): { node: ConfigNode; problems: Problem[] } {
  const problems: Problem[] = [];
  let tree = root;
  for (const raw of sets) {
    const at: Origin = { file: `--set ${raw}`, dir: options.cwd };
    const eq = raw.indexOf("=");
    const pathText = eq < 0 ? raw : raw.slice(0, eq);
    if (eq <= 0) {
      problems.push({
        position: { file: at.file },
        message: "--set needs path=value",
        expected: "e.g. --set train.learning_rate=1e-4",
      });
      continue;
    }
    const path = pathText.split(".");
    const pathProblem = checkPath(path, schema);
    if (pathProblem) {
      problems.push({ position: { file: at.file }, path: pathText, ...pathProblem });
      continue;
    }
    const value = parseValue(
      raw.slice(eq + 1),
      at,
      schemaAt(schema, path),
      options.env,
      schema,
      path,
    );
    if ("problems" in value) {
      problems.push(...value.problems.map((p) => ({ ...p, path: pathText })));
      continue;
    }
    const applied = setAt(tree, path, value.node, at);
    if (typeof applied === "string") {
      problems.push({ position: { file: at.file }, path: pathText, message: applied });
      continue;
    }
    tree = applied;
  }
  return { node: tree, problems };
}

function checkPath(
  path: string[],
  schema: z.core.$ZodType,
): Omit<Problem, "position" | "path"> | undefined {
  if (path[0] === "extends") {
    return { message: "extends cannot be changed with --set; it is read before --set applies" };
  }
  let current: z.core.$ZodType = schema;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i] ?? "";
    if (segment === "") return { message: "empty segment in the path", expected: "a.b.c" };
    const child = childSchema(current, segment);
    if (child) {
      current = child;
      continue;
    }
    const where = path.slice(0, i).join(".");
    const keys = keysOf(current);
    const sibling = suggest(segment, keys);
    const full = sibling ? undefined : suggest(segment, leafPaths(schema).map(lastSegment));
    const guess = sibling
      ? [...path.slice(0, i), sibling].join(".")
      : full
        ? leafPaths(schema).find((p) => lastSegment(p) === full)
        : undefined;
    return {
      message: `unknown config path${guess ? `; did you mean ${guess}?` : ""}`,
      hint:
        keys.length > 0
          ? `${where || "the top level"} has: ${keys.join(", ")}`
          : `${where} holds a single value, not keys`,
    };
  }
  return undefined;
}

const lastSegment = (path: string) => path.split(".").pop() ?? path;

function parseValue(
  text: string,
  at: Origin,
  target: z.core.$ZodType | undefined,
  env: Env,
  schema: z.core.$ZodType,
  path: string[],
): { node: ConfigNode } | { problems: Problem[] } {
  if (acceptsString(target)) {
    const parsed = parseYamlSource(text, { file: at.file, dir: at.dir, noPositions: true });
    // Text stays text unless it is clearly a list or map (a union such as `extends`).
    if (parsed.node?.kind === "scalar" || parsed.problems.length > 0) {
      return wrapEnv({ kind: "scalar", at, value: text, plain: false }, env, schema, path);
    }
  }
  const parsed = parseYamlSource(text, { file: at.file, dir: at.dir, noPositions: true });
  if (!parsed.node || parsed.problems.length > 0) {
    return {
      problems: parsed.problems.map((p) => ({
        ...p,
        message: `value is not valid YAML: ${p.message.replace(/^YAML syntax error: /, "")}`,
      })),
    };
  }
  return wrapEnv(parsed.node, env, schema, path);
}

function wrapEnv(node: ConfigNode, env: Env, schema: z.core.$ZodType, path: string[]) {
  const placed = place(node, path, node.at);
  const result = interpolateEnv(placed, env, schema);
  if (result.problems.length > 0) {
    return { problems: result.problems.map((p) => ({ ...p, position: { file: node.at.file } })) };
  }
  let inner: ConfigNode = result.node;
  for (const segment of path) {
    if (inner.kind !== "map") break;
    inner = inner.entries.get(segment)?.node ?? inner;
  }
  return { node: inner };
}

/** Wrap a value in maps along `path`, so env interpolation sees its real path. */
function place(node: ConfigNode, path: string[], at: Origin): ConfigNode {
  return path.reduceRight<ConfigNode>(
    (child, key) => ({ kind: "map", at, entries: new Map([[key, { keyAt: at, node: child }]]) }),
    node,
  );
}

function setAt(
  node: ConfigNode,
  path: string[],
  value: ConfigNode,
  at: Origin,
): ConfigNode | string {
  const [head, ...rest] = path;
  if (head === undefined) return value;
  if (node.kind === "seq" && /^\d+$/.test(head)) {
    const index = Number(head);
    if (index > node.items.length) {
      return `list index ${index} is past the end (the list has ${node.items.length} item${node.items.length === 1 ? "" : "s"})`;
    }
    const child = setAt(node.items[index] ?? emptyFor(rest[0], at), rest, value, at);
    if (typeof child === "string") return child;
    const items = [...node.items];
    items[index] = child;
    return { ...node, items };
  }
  if (node.kind !== "map" && /^\d+$/.test(head)) {
    if (head !== "0") return `list index ${head} is past the end (there is no list yet)`;
    const child = setAt(emptyFor(rest[0], at), rest, value, at);
    return typeof child === "string" ? child : { kind: "seq", at, items: [child] };
  }
  const map = node.kind === "map" ? node : emptyMap(at);
  const previous = map.entries.get(head);
  const child =
    rest.length === 0
      ? mergeNodes(previous?.node, value)
      : setAt(previous?.node ?? emptyFor(rest[0], at), rest, value, at);
  if (typeof child === "string") return child;
  const entries = new Map<string, MapEntry>(map.entries);
  entries.set(head, { keyAt: at, node: child });
  return { ...map, entries };
}

/** A new container on the way to a value: a list when the next segment is an index. */
function emptyFor(next: string | undefined, at: Origin): ConfigNode {
  return next !== undefined && /^\d+$/.test(next) ? { kind: "seq", at, items: [] } : emptyMap(at);
}
