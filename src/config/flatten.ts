/** Dotted keys for compare: `{train: {lr: 1}, data: {train: [{path}]}}` -> `train.lr`, `data.train.0.path`. */
export function flattenConfig(value: unknown, prefix = ""): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const walk = (current: unknown, key: string) => {
    const children = Array.isArray(current)
      ? current.map((item, i) => [String(i), item] as const)
      : isRecord(current)
        ? Object.entries(current)
        : undefined;
    if (!children || children.length === 0) {
      if (key !== "") out[key] = current;
      return;
    }
    for (const [name, child] of children) walk(child, key === "" ? name : `${key}.${name}`);
  };
  walk(value, prefix);
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !(value instanceof Date);
}
