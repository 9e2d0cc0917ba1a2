import type { z } from "zod";

/**
 * Reading the zod schema as data: which keys exist at a path (for --set and "did you mean"),
 * and whether a value there is text (so `--set name=123` stays the string "123").
 */
type Schema = z.core.$ZodType;

interface Def {
  type: string;
  innerType?: Schema;
  in?: Schema;
  shape?: Record<string, Schema>;
  element?: Schema;
  valueType?: Schema;
  options?: Schema[];
  entries?: Record<string, unknown>;
  values?: unknown[];
  getter?: () => Schema;
}

const defOf = (schema: Schema): Def => schema._zod.def as unknown as Def;

const wrappers = new Set(["optional", "default", "nullable", "readonly", "catch", "prefault"]);

export function unwrap(schema: Schema): Schema {
  let current = schema;
  for (let guard = 0; guard < 20; guard++) {
    const def = defOf(current);
    if (wrappers.has(def.type) && def.innerType) current = def.innerType;
    else if (def.type === "pipe" && def.in) current = def.in;
    else if (def.type === "lazy" && def.getter) current = def.getter();
    else break;
  }
  return current;
}

/** The schema of one child: an object key, a list index, a record entry. */
export function childSchema(schema: Schema, segment: string): Schema | undefined {
  const def = defOf(unwrap(schema));
  switch (def.type) {
    case "object":
      return Object.hasOwn(def.shape ?? {}, segment) ? def.shape?.[segment] : undefined;
    case "array":
      return /^(0|[1-9][0-9]*)$/.test(segment) ? def.element : undefined;
    case "record":
      return def.valueType;
    case "union":
      for (const option of def.options ?? []) {
        const child = childSchema(option, segment);
        if (child) return child;
      }
      return undefined;
    default:
      return undefined;
  }
}

export function schemaAt(schema: Schema, path: readonly string[]): Schema | undefined {
  let current: Schema | undefined = schema;
  for (const segment of path) {
    if (!current) return undefined;
    current = childSchema(current, segment);
  }
  return current;
}

/** Keys an object at this place may have (empty for anything else). */
export function keysOf(schema: Schema): string[] {
  const def = defOf(unwrap(schema));
  if (def.type === "object") return Object.keys(def.shape ?? {});
  if (def.type === "union") return (def.options ?? []).flatMap(keysOf);
  return [];
}

export function isListSchema(schema: Schema): boolean {
  return defOf(unwrap(schema)).type === "array";
}

/** True when the value at this place is text, so a typed YAML scalar must stay a string. */
export function acceptsString(schema: Schema | undefined): boolean {
  if (!schema) return false;
  const def = defOf(unwrap(schema));
  switch (def.type) {
    case "string":
    case "template_literal":
      return true;
    case "enum":
      return Object.values(def.entries ?? {}).some((value) => typeof value === "string");
    case "literal":
      return (def.values ?? []).some((value) => typeof value === "string");
    case "union":
      return (def.options ?? []).some(acceptsString);
    default:
      return false;
  }
}

/** Every settable dotted path, lists as `.0` and records as `.NAME`, for suggestions. */
export function leafPaths(schema: Schema, prefix = ""): string[] {
  const def = defOf(unwrap(schema));
  const join = (key: string) => (prefix ? `${prefix}.${key}` : key);
  if (def.type === "object") {
    return Object.entries(def.shape ?? {}).flatMap(([key, child]) => [
      join(key),
      ...leafPaths(child, join(key)),
    ]);
  }
  if (def.type === "array" && def.element) return leafPaths(def.element, join("0"));
  if (def.type === "union") return (def.options ?? []).flatMap((o) => leafPaths(o, prefix));
  return [];
}
