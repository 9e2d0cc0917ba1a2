import type { ConfigNode } from "../config/index.js";
import type { Problem } from "../errors/index.js";
import { gridSize, maxGridTrials, seedPath } from "./assignments.js";
import type { SweepSpec } from "./spec-schema.js";
import { specPosition } from "./spec-position.js";

/** Rules across keys of a sweep spec that the schema of each key cannot state. */
export function specRuleProblems(spec: SweepSpec, root: ConfigNode, file: string): Problem[] {
  const at = (keys: ReadonlyArray<string | number>) => specPosition(root, keys, file);
  const problems: Problem[] = [];
  const parameterPaths = Object.keys(spec.parameters);

  if (spec.method === "grid") {
    for (const [path, param] of Object.entries(spec.parameters)) {
      if (param.values) continue;
      problems.push({
        position: at(["parameters", path]),
        path: `parameters.${path}`,
        message: "a grid needs values: [...], not a range",
        hint: "list the values, or use method: random or tpe to sample the range",
      });
    }
  } else if (spec.budget.trials === undefined && spec.budget.gpu_hours === undefined) {
    problems.push({
      position: at(["method"]),
      path: "budget",
      message: `method ${spec.method} samples without end: give budget.trials or budget.gpu_hours`,
    });
  }

  const groups = spec.paired ?? [];
  const firstKeys = Object.keys(groups[0] ?? {}).sort();
  groups.forEach((group, i) => {
    const keys = Object.keys(group);
    if (keys.length === 0) {
      problems.push({ position: at(["paired", i]), path: `paired.${i}`, message: "empty group" });
    } else if (keys.sort().join(",") !== firstKeys.join(",")) {
      problems.push({
        position: at(["paired", i]),
        path: `paired.${i}`,
        message: `every paired group sets the same paths (the first sets ${firstKeys.join(", ")})`,
      });
    }
    for (const key of keys.filter((k) => parameterPaths.includes(k))) {
      problems.push({
        position: at(["paired", i, key]),
        path: `paired.${i}.${key}`,
        message: `${key} is also under parameters; a path is varied in one place only`,
      });
    }
  });

  if (spec.seeds) {
    const twice = [...parameterPaths, ...firstKeys].includes(seedPath);
    if (twice) {
      problems.push({
        position: at(["seeds"]),
        path: "seeds",
        message: `seeds sets ${seedPath}, which parameters or paired also varies`,
      });
    }
    if (new Set(spec.seeds).size !== spec.seeds.length) {
      problems.push({ position: at(["seeds"]), path: "seeds", message: "a seed is listed twice" });
    }
  }

  const stopping = spec.early_stopping;
  if (stopping) {
    if (spec.method === "grid") {
      problems.push({
        position: at(["early_stopping"]),
        path: "early_stopping",
        message: "early stopping needs method random or tpe (Optuna's pruners rank asked trials)",
      });
    }
    if (spec.seeds) {
      problems.push({
        position: at(["early_stopping"]),
        path: "early_stopping",
        message: "early stopping compares one run per configuration; drop seeds or early_stopping",
      });
    }
    if (stopping.metric !== undefined && stopping.metric !== spec.metric.name) {
      problems.push({
        position: at(["early_stopping", "metric"]),
        path: "early_stopping.metric",
        message: `the rungs compare the sweep's metric (${spec.metric.name}); set metric.name instead`,
      });
    }
  }

  if (spec.method === "grid" && problems.length === 0 && gridSize(spec) > maxGridTrials) {
    problems.push({
      position: at(["parameters"]),
      path: "parameters",
      message: `the grid has ${gridSize(spec)} trials, more than ${maxGridTrials}`,
      hint: "use fewer values, or method: random or tpe with budget.trials",
    });
  }
  return problems;
}
