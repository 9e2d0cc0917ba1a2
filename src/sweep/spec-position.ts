import type { ConfigNode } from "../config/index.js";
import type { SourcePosition } from "../errors/index.js";

/** Where a spec value is written (or the nearest enclosing value that is), as file:line:col. */
export function specPosition(
  root: ConfigNode | undefined,
  keys: ReadonlyArray<string | number>,
  file: string,
): SourcePosition {
  let node = root;
  let found = root;
  for (const key of keys) {
    if (node?.kind === "map") node = node.entries.get(String(key))?.node;
    else if (node?.kind === "seq" && typeof key === "number") node = node.items[key];
    else node = undefined;
    if (!node) break;
    found = node;
  }
  const at = found?.at;
  return at?.line !== undefined ? { file, line: at.line, col: at.col } : { file };
}
