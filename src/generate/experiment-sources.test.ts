import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { formatProblem } from "../errors/index.js";
import { generateSourceSchema, loadExperiment, validateExperiment } from "../config/index.js";
import { systemClock, silentReporter } from "../report/index.js";
import type { ChatEndpoint } from "./chat-endpoint.js";
import { generateSources, planGeneratedSources, withOutputs } from "./experiment-sources.js";
import { publishOutput } from "./published-output.js";
import { sha256 } from "./content-key.js";

const seeds = Array.from({ length: 4 }, (_, i) =>
  JSON.stringify({ instruction: `Describe topic ${i} in one line.`, input: "", output: `T${i}.` }),
).join("\n");

const inlineSpec = (extra = "") =>
  [
    "        mode: alpaca",
    "        endpoint: {base_url: http://127.0.0.1:9/v1, model: fake}",
    "        seeds: seeds.jsonl",
    "        num_instructions: 10",
    ...(extra ? [`        ${extra}`] : []),
  ].join("\n");

function workspace(experiment: string, files: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), "tunectl-gensource-"));
  writeFileSync(path.join(dir, "seeds.jsonl"), seeds);
  writeFileSync(path.join(dir, "exp.yaml"), experiment);
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

const experimentWith = (source: string) =>
  `name: t\ntrain: {max_steps: 1}\ndata:\n  train:\n    - generate:\n${source}\n`;

async function plan(dir: string) {
  const loaded = await loadExperiment("exp.yaml", { cwd: dir, env: {} });
  return {
    loaded,
    ...(await planGeneratedSources(loaded, { stateDir: path.join(dir, ".tunectl"), cwd: dir })),
  };
}

/** An endpoint that must not be called: a cache hit sends nothing. */
const noRequests: ChatEndpoint = {
  complete: () => Promise.reject(new Error("a request was sent")),
} as unknown as ChatEndpoint;

describe("the generate: source schema", () => {
  it("takes a spec file or an inline spec, with weight and max_records", () => {
    expect(generateSourceSchema.parse({ generate: "gen.yaml", weight: 2 }).weight).toBe(2);
    expect(generateSourceSchema.safeParse({ generate: { mode: "alpaca" } }).success).toBe(true);
    expect(generateSourceSchema.safeParse({ generate: 3 }).success).toBe(false);
  });

  it("reports a generate source's own mistakes, not a file source's", async () => {
    const dir = workspace(
      "name: t\ntrain: {max_steps: 1}\ndata:\n  train:\n    - generate: gen.yaml\n      format: sharegpt\n",
    );
    const result = await validateExperiment("exp.yaml", { cwd: dir, env: {} });
    expect(result.problems.map(formatProblem)).toEqual([
      expect.stringMatching(/^exp\.yaml:6:7: data\.train\.0\.format: unknown key/),
    ]);
  });
});

describe("checking generate: sources", () => {
  it("puts an inline spec's problems at the experiment's file:line:col", async () => {
    const dir = workspace(experimentWith(inlineSpec("recipe: {top_p: 3}")));
    const { problems } = await plan(dir);
    expect(problems.map(formatProblem)).toEqual([
      expect.stringMatching(
        /^exp\.yaml:10:25: data\.train\.0\.generate\.recipe\.top_p: number 3 is too big/,
      ),
    ]);
  });

  it("puts a spec file's problems in the spec file, and checks its seeds", async () => {
    const spec = inlineSpec().replace(/^ {8}/gm, "").replace("seeds.jsonl", "missing.jsonl");
    const dir = workspace(
      "name: t\ntrain: {max_steps: 1}\ndata:\n  train:\n    - generate: gen.yaml\n",
      {
        "gen.yaml": spec,
      },
    );
    const { problems } = await plan(dir);
    expect(problems.map(formatProblem)).toEqual([
      expect.stringMatching(/^gen\.yaml:3:8: seeds: missing\.jsonl: file not found/),
    ]);
  });

  it("keys the output by the spec, not by where it is written", async () => {
    const inline = await plan(workspace(experimentWith(inlineSpec())));
    const spec = inlineSpec().replace(/^ {8}/gm, "");
    const file = await plan(
      workspace("name: t\ntrain: {max_steps: 1}\ndata:\n  train:\n    - generate: gen.yaml\n", {
        "gen.yaml": spec,
      }),
    );
    const more = await plan(
      workspace(
        experimentWith(inlineSpec().replace("num_instructions: 10", "num_instructions: 20")),
      ),
    );
    expect(file.plans[0]?.keys).toEqual(inline.plans[0]?.keys);
    // asking for more continues the same journal, into another output
    expect(more.plans[0]?.keys.journal).toBe(inline.plans[0]?.keys.journal);
    expect(more.plans[0]?.keys.output).not.toBe(inline.plans[0]?.keys.output);
  });
});

describe("the workspace cache of generated outputs", () => {
  const manifestFor = (key: string, content: string, complete = true) => ({
    key,
    sha256: sha256(content),
    complete,
    ...(complete ? {} : { stopped: "max_cost_usd" as const }),
    records: 1,
    requests: 1,
    tokens: { input: 1, output: 1 },
    cost_usd: 0,
    rejections: {},
  });
  const record = `${JSON.stringify({ instruction: "Say hi.", input: "", output: "Hi." })}\n`;

  it("is a hit once the output is published: nothing is sent, the source reads the output", async () => {
    const dir = workspace(experimentWith(inlineSpec()));
    const before = await plan(dir);
    const [first] = before.plans;
    expect(first?.cached).toBeUndefined();
    const out = path.join(dir, "out.jsonl");
    writeFileSync(out, record);
    await publishOutput(out, first!.published, manifestFor(first!.keys.output, record));

    const after = await plan(dir);
    expect(after.plans[0]?.cached?.records).toBe(1);
    const { experiment, generated } = await generateSources(after.loaded.experiment, after.plans, {
      reporter: silentReporter,
      clock: systemClock,
      env: {},
      signal: new AbortController().signal,
      endpoint: noRequests,
    });
    expect(generated).toEqual([
      { at: "data.train.0", records: 1, sent: 0, cached: true, complete: true },
    ]);
    expect(experiment.data.train).toEqual([
      { path: first!.published, format: "alpaca", type: "jsonl" },
    ]);
    expect(readFileSync(first!.published, "utf8")).toBe(record);
  });

  it("keeps a budget-stopped output under a name of its own, which is never a hit", async () => {
    const dir = workspace(experimentWith(inlineSpec()));
    const [first] = (await plan(dir)).plans;
    const out = path.join(dir, "out.jsonl");
    writeFileSync(out, record);
    const file = await publishOutput(
      out,
      first!.published,
      manifestFor(first!.keys.output, record, false),
    );
    expect(file).not.toBe(first!.published);
    expect(file).toMatch(/\.partial-[0-9a-f]{12}\.jsonl$/);
    const again = await plan(dir);
    expect(again.plans[0]?.cached).toBeUndefined();
    // validate and dry runs leave a source not yet generated out of the data they check
    expect(withOutputs(again.loaded.experiment, again.plans).data.train).toEqual([]);
  });
});
