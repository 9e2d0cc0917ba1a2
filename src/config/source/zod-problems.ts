import type { z } from "zod";
import type { Problem } from "../../errors/index.js";
import { keysOf, schemaAt, unwrap } from "../schema-walk.js";
import { suggest } from "../suggest.js";
import { locate, type ConfigNode } from "./config-node.js";

/** One Problem per zod issue, positioned at the offending value (or its parent key). */
export function problemsFromIssues(
  issues: readonly z.core.$ZodIssue[],
  root: ConfigNode,
  schema: z.core.$ZodType,
): Problem[] {
  return issues.flatMap((issue) => fromIssue(issue, root, schema));
}

function fromIssue(issue: z.core.$ZodIssue, root: ConfigNode, schema: z.core.$ZodType): Problem[] {
  const path = issue.path.map(String);
  const dotted = path.join(".");
  const found = locate(root, issue.path as Array<string | number>);
  // A null is "not set": report it like a missing value, at its key.
  const value = found.node?.kind === "scalar" && found.node.value === null ? undefined : found.node;
  const base = { position: found.at, path: dotted };
  switch (issue.code) {
    case "unrecognized_keys": {
      const parent = schemaAt(schema, path);
      const allowed = parent ? keysOf(parent) : [];
      return issue.keys.map((key) => {
        const entry = locate(root, [...issue.path, key] as Array<string | number>);
        const guess = suggest(key, allowed);
        return {
          position: entry.keyAt ?? entry.at,
          path: [...path, key].join("."),
          message: `unknown key${guess ? `; did you mean ${guess}?` : ""}`,
          hint:
            allowed.length > 0
              ? `${dotted || "the top level"} has: ${allowed.join(", ")}`
              : undefined,
        };
      });
    }
    case "invalid_type":
      if (!value) {
        return [{ ...base, message: "missing required field", expected: article(issue.expected) }];
      }
      return [
        { ...base, message: `wrong type: ${describe(value)}`, expected: article(issue.expected) },
      ];
    case "invalid_value":
      return [
        {
          ...base,
          message: value ? `${describe(value)} is not allowed` : "missing required field",
          expected: `one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`,
        },
      ];
    case "too_small":
    case "too_big":
      return [
        {
          ...base,
          message: `${describe(value)} is too ${issue.code === "too_small" ? "small" : "big"}`,
          expected: bound(issue),
        },
      ];
    case "invalid_format":
      return [{ ...base, message: `${describe(value)}: ${issue.message}` }];
    case "invalid_key": {
      const entry = locate(root, issue.path as Array<string | number>);
      return [
        {
          position: entry.keyAt ?? entry.at,
          path: dotted,
          message: `bad key "${String(issue.path[issue.path.length - 1])}": ${issue.issues[0]?.message ?? issue.message}`,
        },
      ];
    }
    case "invalid_union": {
      // A list entry that is one of several mappings (a data source is a file or a generate
      // spec): report the form it was meant to be, told by the required keys it has.
      const branch = value?.kind === "map" ? meantBranch(issue, value, schema, path) : undefined;
      if (branch) return branch.flatMap((inner) => fromIssue(inner, root, schema));
      return [{ ...base, message: `${describe(value)} matches none of the allowed forms` }];
    }
    default:
      return [{ ...base, message: issue.message }];
  }
}

/** The branch's issues (paths made absolute) whose required keys the mapping has most of. */
function meantBranch(
  issue: z.core.$ZodIssueInvalidUnion,
  value: Extract<ConfigNode, { kind: "map" }>,
  schema: z.core.$ZodType,
  path: string[],
): z.core.$ZodIssue[] | undefined {
  const union = schemaAt(schema, path);
  const options = (union ? (unwrap(union)._zod.def as { options?: z.core.$ZodType[] }) : {})
    .options;
  if (!options || options.length !== issue.errors.length) return undefined;
  const present = (option: z.core.$ZodType) => {
    const shape = (unwrap(option)._zod.def as { shape?: Record<string, z.core.$ZodType> }).shape;
    if (!shape) return -1;
    return Object.entries(shape).filter(
      ([key, field]) => field._zod.optin !== "optional" && value.entries.has(key),
    ).length;
  };
  const scores = options.map(present);
  const best = Math.max(...scores);
  if (best <= 0 || scores.filter((s) => s === best).length > 1) return undefined;
  const errors = issue.errors[scores.indexOf(best)] ?? [];
  return errors.map((inner) => ({ ...inner, path: [...issue.path, ...inner.path] }));
}

function article(expected: string): string {
  const names: Record<string, string> = {
    object: "a mapping of keys",
    array: "a list",
    string: "a string",
    number: "a number",
    int: "an integer",
    boolean: "true or false",
  };
  return names[expected] ?? expected;
}

function bound(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig): string {
  const small = issue.code === "too_small";
  const limit = small
    ? (issue as z.core.$ZodIssueTooSmall).minimum
    : (issue as z.core.$ZodIssueTooBig).maximum;
  const op = small ? (issue.inclusive ? ">=" : ">") : issue.inclusive ? "<=" : "<";
  if (issue.origin === "array")
    return `${small ? "at least" : "at most"} ${String(limit)} item${limit === 1 ? "" : "s"}`;
  if (issue.origin === "string")
    return `${small ? "at least" : "at most"} ${String(limit)} character${limit === 1 ? "" : "s"}`;
  return `a number ${op} ${String(limit)}`;
}

/** How a value reads in a message: `string "fast"`, `number 3`, `a list`, `a mapping`. */
export function describe(node: ConfigNode | undefined): string {
  if (!node) return "nothing";
  if (node.kind === "seq") return `a list of ${node.items.length}`;
  if (node.kind === "map") return "a mapping";
  const v = node.value;
  if (v === null) return "null";
  if (typeof v === "string")
    return `string ${JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v)}`;
  return `${typeof v} ${String(v)}`;
}
