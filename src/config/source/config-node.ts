/**
 * A YAML value with where each part came from. Every layer (workspace defaults, extended files,
 * the experiment file, --set) is a ConfigNode tree, merged as trees, so that after merging each
 * value still knows its file, line and column.
 */
export interface Origin {
  /** What a person sees: a path relative to the cwd, or the `--set k=v` flag itself. */
  file: string;
  line?: number;
  col?: number;
  /** Directory that relative data paths written at this place are resolved against. */
  dir: string;
}

export interface MapEntry {
  keyAt: Origin;
  node: ConfigNode;
}

export type ConfigNode =
  | { kind: "map"; at: Origin; entries: Map<string, MapEntry> }
  | { kind: "seq"; at: Origin; items: ConfigNode[] }
  | { kind: "scalar"; at: Origin; value: unknown; plain?: boolean };

export type MapNode = Extract<ConfigNode, { kind: "map" }>;
export type ConfigPath = ReadonlyArray<string | number>;

export function emptyMap(at: Origin): MapNode {
  return { kind: "map", at, entries: new Map() };
}

/**
 * Plain JS value for zod. A null map value means "not set" (so defaults apply). Own-property
 * writes, so a `__proto__` key stays an ordinary key.
 */
export function toPlain(node: ConfigNode): unknown {
  if (node.kind === "scalar") return node.value;
  if (node.kind === "seq") return node.items.map(toPlain);
  const out: Record<string, unknown> = {};
  for (const [key, entry] of node.entries) {
    if (entry.node.kind === "scalar" && entry.node.value === null) continue;
    Object.defineProperty(out, key, {
      value: toPlain(entry.node),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

export interface Located {
  node?: ConfigNode;
  /** Position of the value if it exists, else of the nearest enclosing key. */
  at: Origin;
  /** Position of the key of the last map entry found on the way. */
  keyAt?: Origin;
}

/** Follow `path` as far as the tree goes. */
export function locate(root: ConfigNode, path: ConfigPath): Located {
  let node: ConfigNode = root;
  let at = root.at;
  let keyAt: Origin | undefined;
  for (const segment of path) {
    const next = childOf(node, segment);
    if (!next) return { at: keyAt ?? at, keyAt };
    if (next.keyAt) keyAt = next.keyAt;
    node = next.node;
    at = node.at;
  }
  return { node, at, keyAt };
}

function childOf(
  node: ConfigNode,
  segment: string | number,
): { node: ConfigNode; keyAt?: Origin } | undefined {
  if (node.kind === "map") return node.entries.get(String(segment));
  if (node.kind === "seq") {
    const index = typeof segment === "number" ? segment : Number(segment);
    const item = Number.isInteger(index) ? node.items[index] : undefined;
    return item ? { node: item } : undefined;
  }
  return undefined;
}

/** Visit every scalar with its path; `replace` may return a new node for it. */
export function mapScalars(
  node: ConfigNode,
  visit: (scalar: Extract<ConfigNode, { kind: "scalar" }>, path: string[]) => ConfigNode,
  path: string[] = [],
): ConfigNode {
  if (node.kind === "scalar") return visit(node, path);
  if (node.kind === "seq") {
    return {
      ...node,
      items: node.items.map((item, i) => mapScalars(item, visit, [...path, String(i)])),
    };
  }
  const entries = new Map<string, MapEntry>();
  for (const [key, entry] of node.entries) {
    entries.set(key, { keyAt: entry.keyAt, node: mapScalars(entry.node, visit, [...path, key]) });
  }
  return { ...node, entries };
}
