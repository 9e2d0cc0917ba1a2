import { parse } from "yaml";

/** Read text as a YAML scalar (`1e-4` -> 0.0001, `true` -> true); anything odd stays text. */
export function typedScalar(text: string): unknown {
  try {
    const value: unknown = parse(text);
    return value === null || typeof value === "object" ? text : value;
  } catch {
    return text;
  }
}
