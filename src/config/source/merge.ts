import type { ConfigNode, MapEntry } from "./config-node.js";

/**
 * Deep merge of two layers, `over` winning: maps merge key by key, everything else (lists
 * included) is replaced whole. A null value stays in the tree as a tombstone (it keeps its
 * position for messages) and counts as "not set" (toPlain skips it), so a file can unset what
 * it inherited: `max_steps: null` to switch a base's max_steps to epochs.
 */
export function mergeNodes(base: ConfigNode | undefined, over: ConfigNode): ConfigNode {
  if (!base || base.kind !== "map" || over.kind !== "map") return over;
  const entries = new Map<string, MapEntry>(base.entries);
  for (const [key, entry] of over.entries) {
    const previous = entries.get(key);
    entries.set(key, { keyAt: entry.keyAt, node: mergeNodes(previous?.node, entry.node) });
  }
  return { kind: "map", at: over.at, entries };
}
