import path from "node:path";
import type { ConfigNode } from "./config-node.js";

/**
 * `data.train[].path`, `data.eval[].path` and a file in `eval.prompts` are relative to the file that wrote them, so a
 * config extended from another folder still finds its data. s3:// and absolute paths stay.
 */
export function resolveDataPaths(root: ConfigNode): ConfigNode {
  return resolvePromptsPath(resolveSourcePaths(root));
}

function resolveSourcePaths(root: ConfigNode): ConfigNode {
  if (root.kind !== "map") return root;
  const data = root.entries.get("data");
  if (!data || data.node.kind !== "map") return root;
  const dataEntries = new Map(data.node.entries);
  for (const list of ["train", "eval"]) {
    const entry = dataEntries.get(list);
    if (!entry || entry.node.kind !== "seq") continue;
    const items = entry.node.items.map((item) => resolveGenerateSource(resolveSourcePath(item)));
    dataEntries.set(list, { ...entry, node: { ...entry.node, items } });
  }
  const entries = new Map(root.entries);
  entries.set("data", { ...data, node: { ...data.node, entries: dataEntries } });
  return { ...root, entries };
}

/** `eval.prompts` given as a file is relative to the file that wrote it, like a data path. */
function resolvePromptsPath(root: ConfigNode): ConfigNode {
  if (root.kind !== "map") return root;
  const section = root.entries.get("eval");
  if (!section || section.node.kind !== "map") return root;
  const node = resolveSourcePath(section.node, "prompts");
  if (node === section.node) return root;
  const entries = new Map(root.entries);
  entries.set("eval", { ...section, node });
  return { ...root, entries };
}

/**
 * `generate: FILE` is relative to the file that names it; an inline spec's files (seeds,
 * instructions, output, recipe.prompt_file) are relative to the file that wrote them, as a
 * spec file's are to the spec.
 */
function resolveGenerateSource(item: ConfigNode): ConfigNode {
  if (item.kind !== "map") return item;
  const entry = item.entries.get("generate");
  if (!entry) return item;
  if (entry.node.kind !== "map") return resolveSourcePath(item, "generate");
  let node: ConfigNode = entry.node;
  for (const key of ["seeds", "instructions", "output"]) node = resolveSourcePath(node, key);
  const recipe = node.kind === "map" ? node.entries.get("recipe") : undefined;
  if (node.kind === "map" && recipe) {
    const entries = new Map(node.entries);
    entries.set("recipe", { ...recipe, node: resolveSourcePath(recipe.node, "prompt_file") });
    node = { ...node, entries };
  }
  const entries = new Map(item.entries);
  entries.set("generate", { ...entry, node });
  return { ...item, entries };
}

function resolveSourcePath(item: ConfigNode, key = "path"): ConfigNode {
  if (item.kind !== "map") return item;
  const entry = item.entries.get(key);
  if (!entry || entry.node.kind !== "scalar" || typeof entry.node.value !== "string") return item;
  const value = entry.node.value;
  if (value === "" || /^[a-z][a-z0-9+.-]*:\/\//i.test(value) || path.isAbsolute(value)) return item;
  const entries = new Map(item.entries);
  entries.set(key, {
    ...entry,
    node: { ...entry.node, value: path.resolve(entry.node.at.dir, value) },
  });
  return { ...item, entries };
}
