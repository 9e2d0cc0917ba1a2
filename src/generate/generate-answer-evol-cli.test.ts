// `tunectl data generate` in `answer` and `evol` modes as a user runs it (the built CLI,
// `npm run build`), against the test double of a paid LLM API
// (scripts/testbed/fake-llm-server.mjs), which logs every request with its id.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs test double without types
import { startFakeLlmServer } from "../../scripts/testbed/fake-llm-server.mjs";

interface FakeServer {
  url: string;
  script: Array<Record<string, unknown>>;
  requests: Array<{ n: number; id?: string; kind: string; answered?: boolean }>;
  close(): Promise<void>;
}

const bin = path.resolve("bin", "tunectl.js");
const realAlpaca = path.resolve("..", "shared", "datasets", "alpaca_5000.json");

let server: FakeServer;
let dir: string;
beforeEach(async () => {
  server = (await startFakeLlmServer()) as FakeServer;
  dir = mkdtempSync(path.join(tmpdir(), "tunectl-generate-"));
});
afterEach(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Alpaca JSON: records 1 and 3 already have outputs, record 2 an input. */
const instructions = [
  { instruction: "Name three rivers in Europe.", input: "", output: "" },
  { instruction: "Explain how bread rises.", input: "", output: "Yeast makes gas." },
  { instruction: "Sort the numbers.", input: "3, 1, 2", output: "" },
  { instruction: "Describe a chess opening.", input: "", output: "The Italian game." },
  { instruction: "Suggest a name for a bakery.", input: "", output: "" },
];

function writeFiles(mode: "answer" | "evol", over: Record<string, string> = {}): void {
  writeFileSync(path.join(dir, "instructions.json"), JSON.stringify(instructions, null, 2));
  const keys: Record<string, string> = {
    mode,
    endpoint: `\n  base_url: ${server.url}\n  model: fake`,
    ...(mode === "answer" ? { instructions: "instructions.json" } : { seeds: "instructions.json" }),
    output: "out/generated.jsonl",
    concurrency: "2",
    pricing: "{input_per_1m_usd: 1, output_per_1m_usd: 2}",
    retry: "{initial_delay_s: 0.05, max_delay_s: 5}",
    ...over,
  };
  writeFileSync(
    path.join(dir, "gen.yaml"),
    Object.entries(keys)
      .map(([key, value]) => `${key}: ${value}\n`)
      .join(""),
  );
}

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function start(args: string[]): ChildProcess {
  return spawn(process.execPath, [bin, ...args], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

function tunectl(args: string[]): Promise<Result> {
  const child = start(args);
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) =>
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr })),
  );
}

const generate = () => tunectl(["data", "generate", "gen.yaml"]);
const output = (name = "generated.jsonl") => path.join(dir, "out", name);
const manifest = () => JSON.parse(readFileSync(`${output()}.manifest.json`, "utf8"));
const records = (name?: string) =>
  readFileSync(output(name), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line));
const answeredIds = () => server.requests.filter((r) => r.answered).map((r) => r.id);

function journalLines(): number {
  const outDir = path.join(dir, "out");
  if (!existsSync(outDir)) return 0;
  const name = readdirSync(outDir).find((f) => f.endsWith(".journal.jsonl"));
  if (!name) return 0;
  return readFileSync(path.join(outDir, name), "utf8").split("\n").filter(Boolean).length;
}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 20));
}

describe("data generate, mode answer", () => {
  it("answers every instruction once, with provenance; data validate accepts it; a rerun sends nothing", async () => {
    writeFiles("answer");
    const first = await generate();
    expect(first.code, first.stderr).toBe(0);
    expect(server.requests).toHaveLength(instructions.length);
    const written = records();
    expect(written.map((r) => [r.instruction, r.input])).toEqual(
      instructions.map((r) => [r.instruction, r.input]),
    );
    const ids = new Set(server.requests.map((r) => r.id));
    written.forEach((record, i) => {
      expect(record.provenance).toMatchObject({ mode: "answer", source_index: i, model: "fake" });
      expect(record.provenance.source_id).toBe(`record-${i}`);
      expect(ids.has(record.provenance.request)).toBe(true);
      expect(record.provenance.request_id).toMatch(/^req-\d+$/);
      // the double quotes the start of the prompt it answers: the instruction, then its input
      expect(record.output).toContain(record.instruction.split(" ").slice(0, 3).join(" "));
    });
    expect(written[1].output).not.toBe(instructions[1]!.output);
    expect(written[2].output).toContain("3, 1, 2");

    const validate = await tunectl(["data", "validate", output(), "--format", "alpaca"]);
    expect(validate.code, validate.stderr).toBe(0);
    const again = await generate();
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain("up to date");
    expect(server.requests).toHaveLength(instructions.length);
  });

  it("rejects an answer cut at max_tokens as truncated", async () => {
    writeFiles("answer", { concurrency: "1" });
    server.script.push({ kind: "length" });
    const result = await generate();
    expect(result.code, result.stderr).toBe(0);
    expect(manifest().rejections).toEqual({ truncated: 1 });
    expect(result.stderr).toMatch(/truncated +1/);
    const written = records();
    expect(written.map((r) => r.provenance.source_index)).toEqual([1, 2, 3, 4]);
    expect(manifest()).toMatchObject({ complete: true, records: 4 });
  });

  it("overwrite_existing: false keeps answered records as they are and sends nothing for them", async () => {
    writeFiles("answer", { overwrite_existing: "false", concurrency: "1" });
    const result = await generate();
    expect(result.code, result.stderr).toBe(0);
    expect(server.requests.map((r) => r.id)).toEqual(["answers-0", "answers-1", "answers-2"]);
    const written = records();
    expect(written).toHaveLength(5);
    for (const i of [1, 3]) {
      expect(written[i]).toMatchObject({ ...instructions[i], provenance: { kept_existing: true } });
      expect(written[i].provenance.request).toBeUndefined();
    }
    expect(
      written.filter((r) => r.provenance.request).map((r) => r.provenance.source_index),
    ).toEqual([0, 2, 4]);
    const again = await generate();
    expect(again.code, again.stderr).toBe(0);
    expect(server.requests).toHaveLength(3);
  });

  it("--dry-run counts one request per instruction to answer and sends nothing", async () => {
    writeFiles("answer", { overwrite_existing: "false" });
    const dry = await tunectl(["data", "generate", "gen.yaml", "--dry-run", "--json"]);
    expect(dry.code, dry.stderr).toBe(0);
    const estimate = JSON.parse(dry.stdout);
    expect(estimate.requests).toBe(3);
    expect(estimate.max_output_tokens).toBe(3 * 1024);
    expect(estimate.max_cost_usd).toBeGreaterThan(0);
    expect(server.requests).toHaveLength(0);
    expect(existsSync(output())).toBe(false);
  });

  it("bad spec: exit 2 with file:line, nothing sent", async () => {
    writeFiles("answer", { overwrite_existing: "sometimes", seeds: "x.jsonl" });
    const result = await generate();
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/gen\.yaml:\d+:\d+: overwrite_existing: wrong type/);
    expect(result.stderr).toMatch(/gen\.yaml:\d+:1: seeds: unknown key/);
    expect(server.requests).toHaveLength(0);
  });

  it("bad instructions: exit 2 with file:line and the record, nothing sent", async () => {
    writeFiles("answer");
    writeFileSync(
      path.join(dir, "instructions.json"),
      `[\n  {"instruction": "Name rivers."},\n  {"input": "no instruction"}\n]\n`,
    );
    const result = await generate();
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("instructions.json:3: record-1: instruction: missing or empty");
    expect(server.requests).toHaveLength(0);
  });

  it.skipIf(!existsSync(realAlpaca))(
    "answers the first records of the real Alpaca data (skipped without ../shared/datasets)",
    async () => {
      writeFiles("answer", { instructions: realAlpaca, max_records: "12" });
      const result = await generate();
      expect(result.code, result.stderr).toBe(0);
      const real = JSON.parse(readFileSync(realAlpaca, "utf8")).slice(0, 12);
      const written = records();
      expect(written.map((r) => [r.instruction, r.input])).toEqual(
        real.map((r: { instruction: string; input: string }) => [r.instruction, r.input]),
      );
      expect(server.requests).toHaveLength(12);
    },
  );
});

describe("data generate, mode evol", () => {
  it("evolves every seed each round and answers what is kept, with seed, round, operation, parent", async () => {
    writeFiles("evol", { rounds: "2" });
    const result = await generate();
    expect(result.code, result.stderr).toBe(0);
    // per round: a rewrite, an equality check and an answer for each of the 5 seeds
    expect(server.requests).toHaveLength(2 * 3 * 5);
    const written = records();
    expect(written).toHaveLength(10);
    const ops = new Set<string>();
    for (const record of written) {
      const p = record.provenance;
      expect(p.mode).toBe("evol");
      expect(p.request).toMatch(new RegExp(`^answer${p.round}-\\d+$`));
      expect(p.evolve_request).toMatch(new RegExp(`^evolve${p.round}-\\d+$`));
      expect(p.parent).toBe(p.round === 1 ? p.seed_id : `${p.seed_id}@${p.round - 1}`);
      expect(p.id).toBe(`${p.seed_id}@${p.round}`);
      ops.add(p.operation);
      expect(record.instruction).not.toMatch(/given prompt|rewritten prompt/i);
      expect(record.output).not.toBe("");
    }
    expect(ops.size).toBeGreaterThan(1);
    // a round-2 instruction grew out of its round-1 parent (in depth) or is new (in breadth)
    const byId = new Map(written.map((r) => [r.provenance.id, r]));
    for (const record of written.filter((r) => r.provenance.round === 2)) {
      if (record.provenance.operation === "in_breadth") continue;
      expect(record.instruction.startsWith(byId.get(record.provenance.parent)!.instruction)).toBe(
        true,
      );
    }
    const validate = await tunectl(["data", "validate", output(), "--format", "alpaca"]);
    expect(validate.code, validate.stderr).toBe(0);
    const again = await generate();
    expect(again.stdout).toContain("up to date");
    expect(server.requests).toHaveLength(30);
  });

  it("eliminates by the paper's rules; a failed lineage keeps its parent for the next round", async () => {
    writeFiles("evol", { rounds: "2", concurrency: "1" });
    server.script.push(
      { kind: "ok", content: "#Rewritten Prompt#: Name rivers." }, // evolve1-0: copies
      { kind: "ok" },
      { kind: "ok" },
      { kind: "ok" },
      { kind: "ok" },
      { kind: "ok", content: "Equal" }, // equal1-0 (seed 1): no gain
      { kind: "ok" },
      { kind: "ok" },
      { kind: "ok" },
      { kind: "ok", content: "Sorry, I cannot do that." }, // answer1-0 (seed 2): hard
      { kind: "ok", content: "It is, and so it was." }, // answer1-1 (seed 3): stop words
    );
    const result = await generate();
    expect(result.code, result.stderr).toBe(0);
    expect(manifest().rejections).toEqual({
      copies_prompt: 1,
      no_information_gain: 1,
      hard_to_answer: 1,
      stopwords_only: 1,
    });
    expect(result.stderr).toMatch(/copies_prompt +1/);
    const written = records();
    const round1 = written.filter((r) => r.provenance.round === 1);
    expect(round1.map((r) => r.provenance.seed_id)).toEqual(["record-4"]);
    const round2 = written.filter((r) => r.provenance.round === 2);
    expect(round2).toHaveLength(5);
    for (const record of round2) {
      const seed = record.provenance.seed_id;
      expect(record.provenance.parent).toBe(seed === "record-4" ? "record-4@1" : seed);
    }
  });

  it("equality_check: false sends no check and compares the text instead", async () => {
    writeFiles("evol", { rounds: "1", equality_check: "false", concurrency: "1" });
    server.script.push({ kind: "ok", content: "name three RIVERS in Europe" });
    const result = await generate();
    expect(result.code, result.stderr).toBe(0);
    expect(server.requests.some((r) => r.id?.startsWith("equal"))).toBe(false);
    expect(manifest().rejections).toEqual({ no_information_gain: 1 });
    expect(records()).toHaveLength(4);
  });

  it("resumes after a kill mid-run: no completed request sent again, the same records as an uninterrupted run", async () => {
    writeFiles("evol", { rounds: "2", concurrency: "1" });
    server.script.push(...Array.from({ length: 7 }, () => ({ kind: "ok" })), { kind: "hang" });
    const child = start(["data", "generate", "gen.yaml"]);
    await until(() => server.requests.length === 8 && journalLines() === 7);
    child.kill("SIGKILL");
    await new Promise((r) => child.on("close", r));
    expect(existsSync(output())).toBe(false);

    const rerun = await generate();
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stderr).toContain("7 completed requests in the journal");
    const answered = answeredIds();
    expect(new Set(answered).size).toBe(answered.length);
    expect(server.requests[8]?.id).toBe(server.requests[7]?.id);
    expect(answered).toHaveLength(30);

    // the same spec into another output, in one go
    writeFiles("evol", { rounds: "2", concurrency: "1", output: "out/straight.jsonl" });
    const straight = await generate();
    expect(straight.code, straight.stderr).toBe(0);
    const strip = (r: { instruction: string; output: string; provenance: object }) => {
      const { request_id: _, ...provenance } = r.provenance as Record<string, unknown>;
      return { ...r, provenance };
    };
    expect(records().map(strip)).toEqual(records("straight.jsonl").map(strip));
  });

  it("--dry-run: at most a rewrite, a check and an answer per seed and round", async () => {
    writeFiles("evol", { rounds: "3" });
    const dry = await tunectl(["data", "generate", "gen.yaml", "--dry-run"]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain("3 rounds of evolution from 5 seed instructions");
    expect(dry.stdout).toMatch(/requests: +~45\b/);
    expect(server.requests).toHaveLength(0);
  });

  it("bad spec: exit 2 with file:line, nothing sent", async () => {
    writeFiles("evol", { rounds: "0", recipe: "{operations: [shrink]}" });
    const result = await generate();
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/gen\.yaml:\d+:\d+: rounds/);
    expect(result.stderr).toMatch(/gen\.yaml:\d+:\d+: recipe\.operations\.0/);
    expect(server.requests).toHaveLength(0);
  });
});
