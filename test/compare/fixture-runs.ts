// Hand-built registries for compare tests: real RunRegistry files in a temp dir, metric lines
// and checkpoint manifests written the way the monitor writes them.
import { mkdir, mkdtemp, rm, writeFile, appendFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { stringify } from "yaml";
import {
  RunRegistry,
  writeFileAtomic,
  type Attempt,
  type MetricLine,
  type RunRecord,
} from "../../src/runs/index.js";

export async function tempRegistry(): Promise<{
  dir: string;
  registry: RunRegistry;
  cleanup(): Promise<void>;
}> {
  const dir = await mkdtemp(path.join(tmpdir(), "tunectl-compare-"));
  return {
    dir,
    registry: new RunRegistry(path.join(dir, ".tunectl")),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

export function tinyConfig(overrides: { learning_rate?: number; description?: string } = {}) {
  return {
    name: "tiny",
    ...(overrides.description === undefined ? {} : { description: overrides.description }),
    model: { base: "builtin:tiny", dtype: "auto" },
    lora: { r: 8, alpha: 16, dropout: 0.05, target_modules: ["q_proj", "v_proj"] },
    data: { train: [{ path: "data/tiny.jsonl", format: "alpaca" }], eval_split: 0.1 },
    train: { max_steps: 50, micro_batch_size: 4, learning_rate: overrides.learning_rate ?? 2e-4 },
    resources: { gpus: 1, image: "tunectl-trainer:cpu" },
  };
}

export interface FixtureRun {
  name?: string;
  description?: string;
  config: unknown;
  lines: MetricLine[];
  state?: RunRecord["state"];
  attempts?: Array<Record<string, unknown>>;
  gpus_requested?: number;
  fingerprint?: string;
  checkpoints?: Array<{ step: number; loss?: number; eval_loss?: number }>;
}

export async function addRun(registry: RunRegistry, spec: FixtureRun): Promise<RunRecord> {
  const created = await registry.create({
    name: spec.name ?? "tiny",
    ...(spec.description === undefined ? {} : { description: spec.description }),
    configYaml: stringify(spec.config),
    model: "builtin:tiny",
    image: "tunectl-trainer:cpu",
    gpus_requested: spec.gpus_requested ?? 1,
  });
  const paths = registry.paths(created.id);
  await appendFile(paths.metrics, spec.lines.map((line) => `${JSON.stringify(line)}\n`).join(""));
  for (const checkpoint of spec.checkpoints ?? []) {
    const dir = path.join(paths.checkpoints, `step-${checkpoint.step}`);
    await mkdir(dir, { recursive: true });
    const metrics = { loss: checkpoint.loss, eval_loss: checkpoint.eval_loss };
    await writeFile(
      path.join(dir, "manifest.json"),
      JSON.stringify({ step: checkpoint.step, files: [], metrics }),
    );
  }
  // A hand-built history, written as run.json directly: compare reads records, it never applies events.
  const run = await registry.get(created.id);
  {
    run.state = spec.state ?? "succeeded";
    run.dataset = {
      fingerprint: spec.fingerprint ?? "sha256:aaaa",
      uri: "datasets/aaaa",
      train_records: 100,
      eval_records: 10,
    };
    run.attempts = (spec.attempts ?? [{}]).map((attempt, i) => ({
      n: i + 1,
      state: run.state,
      reason: i === 0 ? "launch" : "resume",
      gpus: [0],
      created_at: "2025-01-01T00:00:00.000Z",
      ...attempt,
    })) as Attempt[];
  }
  await writeFileAtomic(paths.record, `${JSON.stringify(run, null, 2)}\n`);
  return run;
}

/** Train lines for steps `from..to` with a decaying loss, 100 tokens a step, one line a second. */
export function trainLines(
  from: number,
  to: number,
  options: { total?: number; loss?: (step: number) => number; lr?: number; t0?: number } = {},
): MetricLine[] {
  const loss = options.loss ?? ((step: number) => 2 + 3 / step);
  const lines: MetricLine[] = [];
  for (let step = from; step <= to; step++) {
    lines.push({
      ts: (options.t0 ?? 1_700_000_000) + step,
      step,
      total_steps: options.total ?? to,
      epoch: step / (options.total ?? to),
      loss: loss(step),
      lr: (options.lr ?? 2e-4) * (1 - step / ((options.total ?? to) + 1)),
      grad_norm: 1 / step,
      tokens: step * 100,
      tokens_per_s: 50 + (step % 7),
      attempt: 1,
      kind: "train",
    });
  }
  return lines;
}

export function evalLine(step: number, value: number): MetricLine {
  return {
    ts: 1_700_000_000 + step,
    step,
    tokens: step * 100,
    loss: value,
    eval_loss: value,
    attempt: 1,
    kind: "eval",
  };
}
