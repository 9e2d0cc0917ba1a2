import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { builtCliIn } from "../testing/built-cli.js";
import { RunRegistry, walkToRunning } from "../../runs/index.js";

// `tunectl sweep SPEC` and `tunectl sweep status` from the built CLI on a temp workspace whose
// run registry holds the trials' runs as the scheduler leaves them (labelled sweep + trial).
const dir = mkdtempSync(path.join(tmpdir(), "tunectl-sweep-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tunectl = builtCliIn(dir);

interface Planned {
  id: string;
  trials: Array<{ id: string; params: Record<string, unknown> }>;
}

let planned: Planned;

beforeAll(() => {
  writeFileSync(path.join(dir, "tunectl.yaml"), "storage: .tunectl/store\n");
  writeFileSync(
    path.join(dir, "exp.yaml"),
    "name: t\ndata:\n  train: [{path: d.jsonl, format: alpaca}]\ntrain: {max_steps: 4}\n",
  );
  writeFileSync(
    path.join(dir, "lr.yaml"),
    "experiment: exp.yaml\nparameters:\n  train.learning_rate: {values: [1.0e-4, 3.0e-4, 1.0e-3]}\nseeds: [1, 2]\n",
  );
  const result = tunectl("sweep", "lr.yaml", "--json");
  expect(result.status, result.stderr).toBe(0);
  planned = JSON.parse(result.stdout) as Planned;
});

const metric = (step: number, fields: Record<string, number>, kind = "eval") =>
  JSON.stringify({ ts: 1_764_000_000 + step, step, kind, ...fields });

async function trialRun(trial: string, lines: string[], end?: number) {
  const registry = new RunRegistry(path.join(dir, ".tunectl"));
  const run = await registry.create({
    name: "t",
    configYaml: "name: t\n",
    model: "builtin:tiny",
    image: "x",
    gpus_requested: 0,
    labels: { sweep: planned.id, trial },
  });
  await walkToRunning(registry, run.id, {
    host: "local",
    gpus: [],
    runtime: "process",
    host_dir: "/tmp/x",
  });
  if (end !== undefined)
    await registry.apply(run.id, { type: "exited", attempt: 1, exit_code: end });
  appendFileSync(registry.paths(run.id).metrics, lines.map((l) => `${l}\n`).join(""));
  return run.id;
}

describe("tunectl sweep", () => {
  it("registers the sweep with its planned trials in .tunectl/sweeps/<id>/sweep.json", () => {
    expect(planned.trials).toHaveLength(6);
    const file = path.join(dir, ".tunectl/sweeps", planned.id, "sweep.json");
    const record = JSON.parse(readFileSync(file, "utf8")) as Planned & { method: string };
    expect(record.method).toBe("grid");
    expect(record.trials.map((t) => t.id)).toEqual(planned.trials.map((t) => t.id));
    // registering again (a restart) keeps the same sweep and trials
    const again = JSON.parse(tunectl("sweep", "lr.yaml", "--json").stdout) as Planned;
    expect(again.id).toBe(planned.id);
    expect(JSON.parse(readFileSync(file, "utf8")).trials).toHaveLength(6);
  });

  it("exits 2 naming the spec's file:line:col for a bad path", () => {
    writeFileSync(
      path.join(dir, "bad.yaml"),
      "experiment: exp.yaml\nparameters:\n  train.learnin_rate: {values: [1]}\n",
    );
    const result = tunectl("sweep", "bad.yaml");
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(
      "bad.yaml:3:33: train.learnin_rate: unknown config path; did you mean train.learning_rate?",
    );
  });

  it("status: a leaderboard of trials, best metric first, from the run registry", async () => {
    const [a, b, c] = planned.trials;
    const worse = await trialRun(
      a!.id,
      [metric(2, { eval_loss: 2.5 }), metric(4, { eval_loss: 2.1 })],
      0,
    );
    const best = await trialRun(
      b!.id,
      [metric(2, { eval_loss: 1.9 }), metric(4, { eval_loss: 2.4 })],
      0,
    );
    const running = await trialRun(c!.id, [metric(1, { loss: 3 }, "train")]);
    // a run of another sweep is not this sweep's
    const registry = new RunRegistry(path.join(dir, ".tunectl"));
    await registry.create({
      name: "t",
      configYaml: "name: t\n",
      model: "builtin:tiny",
      image: "x",
      gpus_requested: 0,
      labels: { sweep: "other-00000000", trial: a!.id },
    });

    const json = tunectl("sweep", "status", "--json");
    expect(json.status, json.stderr).toBe(0);
    const board = JSON.parse(json.stdout) as {
      id: string;
      trials: Array<{
        trial: string;
        state: string;
        best: number | null;
        best_step?: number;
        run?: string;
      }>;
    };
    expect(board.id).toBe(planned.id);
    expect(board.trials.map((t) => [t.trial, t.state, t.best, t.best_step, t.run])).toEqual([
      [b!.id, "succeeded", 1.9, 2, best],
      [a!.id, "succeeded", 2.1, 4, worse],
      [c!.id, "running", null, undefined, running],
      ...planned.trials.slice(3).map((t) => [t.id, "planned", null, undefined, undefined]),
    ]);

    const text = tunectl("sweep", "status", planned.id.slice(0, 6));
    expect(text.status, text.stderr).toBe(0);
    const lines = text.stdout.trim().split("\n");
    expect(lines[0]).toBe(
      `sweep ${planned.id} (grid, eval_loss minimize): 6 trials, 2 succeeded, 1 running, 3 planned`,
    );
    expect(lines[1]).toMatch(
      /^#\s+trial\s+train\.learning_rate\s+train\.seed\s+state\s+best eval_loss\s+step\s+run$/,
    );
    expect(lines[2]).toMatch(
      new RegExp(`^1\\s+${b!.id}\\s+0\\.0001\\s+2\\s+succeeded\\s+1\\.9\\s+2\\s+${best}$`),
    );
    expect(lines[4]).toMatch(
      new RegExp(`^-\\s+${c!.id}\\s+0\\.0003\\s+1\\s+running\\s+-\\s+-\\s+${running}$`),
    );
  });

  it("status of an unknown sweep exits 2", () => {
    const result = tunectl("sweep", "status", "nope");
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('no sweep "nope" in this workspace');
  });
});
