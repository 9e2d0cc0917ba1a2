import { parse } from "yaml";
import { flattenConfig } from "../config/index.js";
import type { RunRecord } from "../runs/index.js";
import type { DiffRow } from "./comparison-report.js";

/** Shown for every comparison, equal or not: what a reader needs to know the runs apart. */
const identityKeys = ["name", "model", "image", "dataset.fingerprint"] as const;

export interface ConfiguredRun {
  run: RunRecord;
  /** The fully resolved experiment YAML of the run. */
  configYaml: string;
}

/**
 * One row per key, one value per run. The identity rows come from run.json and always show;
 * the config rows are the flattened resolved configs, only keys whose values differ unless
 * `all`. The config's own `name` is left to the identity row.
 */
export function diffConfigs(runs: ConfiguredRun[], all: boolean): DiffRow[] {
  const identity: DiffRow[] = identityKeys.map((key) => ({
    key,
    values: runs.map(({ run }) => identityValue(run, key)),
  }));
  const flats = runs.map(({ configYaml }) => flattenConfig(parseConfig(configYaml)));
  const keys = new Set<string>();
  for (const flat of flats) for (const key of Object.keys(flat)) keys.add(key);
  keys.delete("name");
  const rows: DiffRow[] = [];
  for (const key of keys) {
    const values = flats.map((flat) => (Object.hasOwn(flat, key) ? flat[key] : null));
    if (all || !allEqual(values)) rows.push({ key, values });
  }
  return [...identity, ...rows];
}

function identityValue(run: RunRecord, key: (typeof identityKeys)[number]): unknown {
  switch (key) {
    case "name":
      return run.name;
    case "model":
      return run.model;
    case "image":
      return run.image;
    case "dataset.fingerprint":
      return run.dataset?.fingerprint ?? null;
  }
}

function parseConfig(text: string): unknown {
  // A run whose config.yaml is unreadable still compares on its identity and metrics.
  try {
    return parse(text) ?? {};
  } catch {
    return {};
  }
}

function allEqual(values: unknown[]): boolean {
  const first = JSON.stringify(values[0] ?? null);
  return values.every((value) => JSON.stringify(value ?? null) === first);
}
