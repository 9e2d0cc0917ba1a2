// A `generate:` data source end to end, as a user runs it: the built CLI (`npm run build`),
// the embedded host `local` with the real trainer, and the test double of a paid LLM API
// (scripts/testbed/fake-llm-server.mjs), which counts every request it is sent.
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs test double without types
import { startFakeLlmServer } from "../../../scripts/testbed/fake-llm-server.mjs";
import {
  freshWorkspace,
  repoRoot,
  runRecords,
  tinyConfig,
  tunectl,
} from "../../concurrency/crowd.js";

interface FakeServer {
  url: string;
  requests: Array<{ n: number; id?: string }>;
  close(): Promise<void>;
}

const secret = "sk-fake-generate-source-7f3a";
let server: FakeServer;
let ws: string;

beforeAll(async () => {
  server = (await startFakeLlmServer()) as FakeServer;
  ws = await freshWorkspace();
  // the seeds: the tiny set's own first records, Alpaca-style JSONL
  const tiny = readFileSync(
    path.join(repoRoot, "configs", "data", "tiny-instructions.jsonl"),
    "utf8",
  );
  writeFileSync(path.join(ws, "seeds.jsonl"), tiny.split("\n").slice(0, 12).join("\n"));
});
afterAll(async () => {
  await server?.close();
  if (ws) await rm(ws, { recursive: true, force: true });
});

/** An experiment on tiny-cpu whose train data is an inline alpaca spec against the double. */
function experiment(file: string, recipe = "{tasks_per_request: 8}", records = 30): string {
  writeFileSync(
    path.join(ws, file),
    [
      `extends: ${tinyConfig}`,
      "name: gen-source",
      "data:",
      "  train:",
      "    - generate:",
      "        mode: alpaca",
      `        endpoint: {base_url: ${server.url}, model: fake, api_key_secret: FAKE_LLM_KEY}`,
      "        seeds: seeds.jsonl",
      `        num_instructions: ${records}`,
      `        recipe: ${recipe}`,
      "  max_seq_len: 512",
      "train: {max_steps: 2, save_steps: 2, eval_steps: 2}",
      "",
    ].join("\n"),
  );
  return file;
}

const run = (file: string) => tunectl(["run", file], ws, 480_000, { FAKE_LLM_KEY: secret });

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

describe("a generate: source in data.train", () => {
  it("refuses a bad spec with its file:line:col, sending nothing", async () => {
    const bad = experiment("bad.yaml", "{tasks_per_request: 8, temperature: 5}");
    const result = await tunectl(["validate", bad], ws);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /bad\.yaml:10:\d+.*data\.train\.0\.generate\.recipe\.temperature/,
    );
    const started = await run(bad);
    expect(started.code).toBe(2);
    expect(started.stderr).toMatch(/bad\.yaml:10:\d+/);
    expect(server.requests).toHaveLength(0);
    expect((await runRecords(ws)).runs).toHaveLength(0);
  });

  it("validate and run --dry-run estimate the generation and send nothing", async () => {
    const file = experiment("exp.yaml");
    const validated = await tunectl(["validate", file], ws);
    expect(validated.code).toBe(0);
    expect(validated.stdout).toMatch(/run generates it first: ~\d+ requests/);
    const dry = await tunectl(["run", "--dry-run", "--json", file], ws);
    expect(dry.code).toBe(0);
    const plan = JSON.parse(dry.stdout).plan as { generate?: Array<{ requests: number }> };
    expect(plan.generate?.[0]?.requests).toBeGreaterThan(0);
    expect(server.requests).toHaveLength(0);
  });

  it("generates, then trains; a second run sends nothing and trains on the same dataset", async () => {
    const file = experiment("exp.yaml");
    const first = await run(file);
    expect(first.stderr).not.toMatch(/internal error/i);
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/generate\s+100%\s+30 \/ 30/);
    const sent = server.requests.length;
    expect(sent).toBeGreaterThan(0);

    const second = await run(file);
    expect(second.code).toBe(0);
    expect(second.stderr).toMatch(/generated data up to date \(30 records/);
    expect(server.requests).toHaveLength(sent);

    const { runs, problems } = await runRecords(ws);
    expect(problems).toEqual([]);
    expect(runs.map((r) => r.state)).toEqual(["succeeded", "succeeded"]);
    const [a, b] = runs.map((r) => r.dataset?.fingerprint);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(b).toBe(a);

    // the endpoint key was read from the environment, and lands in no file of the workspace
    for (const f of filesUnder(path.join(ws, ".tunectl")))
      expect(readFileSync(f).includes(secret), f).toBe(false);
  });

  it("is generated once when two tunectl processes stage the same experiment at once", async () => {
    // another recipe: another journal (fewer records of the same recipe replay its journal)
    const file = experiment("twice.yaml", "{tasks_per_request: 9}", 20);
    const before = server.requests.length;
    const stage = () => tunectl(["data", "stage", file], ws, 300_000, { FAKE_LLM_KEY: secret });
    const [a, b] = await Promise.all([stage(), stage()]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const ids = server.requests.slice(before).map((r) => r.id);
    expect(ids.length).toBeGreaterThan(0);
    // one generation: no request id sent twice, and both staged the same dataset
    expect(new Set(ids).size).toBe(ids.length);
    expect(a.stdout.split(":")[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(b.stdout.split(":")[0]).toBe(a.stdout.split(":")[0]);
  });
});
