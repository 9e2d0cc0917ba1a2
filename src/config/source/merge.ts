import type { ConfigNode, MapEntry } from "./config-node.js";

/**
 * Deep merge of two layers, `over` winning: maps merge key by key, everything else (lists
 * included) is replaced whole. A null in `over` removes the key, so a file can unset what
 * it inherited (`max_steps: null` to switch a base's max_steps to epochs).
 */
export function mergeNodes(base: ConfigNode | undefined, over: ConfigNode): ConfigNode {
  if (!base || base.kind !== "map" || over.kind !== "map") return dropNulls(over);
  const entries = new Map<string, MapEntry>(base.entries);
  for (const [key, entry] of over.entries) {
    if (entry.node.kind === "scalar" && entry.node.value === null) {
      entries.delete(key);
      continue;
    }
    const previous = entries.get(key);
    entries.set(key, { keyAt: entry.keyAt, node: mergeNodes(previous?.node, entry.node) });
  }
  return { kind: "map", at: over.at, entries };
}

/** Null map values mean "not set" everywhere, so schema defaults apply to them. */
export function dropNulls(node: ConfigNode): ConfigNode {
  if (node.kind === "seq") return { ...node, items: node.items.map(dropNulls) };
  if (node.kind !== "map") return node;
  const entries = new Map<string, MapEntry>();
  for (const [key, entry] of node.entries) {
    if (entry.node.kind === "scalar" && entry.node.value === null) continue;
    entries.set(key, { keyAt: entry.keyAt, node: dropNulls(entry.node) });
  }
  return { ...node, entries };
}
