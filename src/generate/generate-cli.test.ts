// `tunectl data generate` as a user runs it (the built CLI, `npm run build`), against the test
// double of a paid LLM API (scripts/testbed/fake-llm-server.mjs), which counts every request.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs test double without types
import { startFakeLlmServer } from "../../scripts/testbed/fake-llm-server.mjs";

interface FakeRequest {
  n: number;
  id?: string;
  kind: string;
  at: number;
  answered?: boolean;
}
interface FakeServer {
  url: string;
  script: Array<Record<string, unknown>>;
  requests: FakeRequest[];
  close(): Promise<void>;
}

const bin = path.resolve("bin", "tunectl.js");
const realSeeds = path.resolve("..", "shared", "datasets", "self_instruct_seed_tasks.jsonl");

let server: FakeServer;
let dir: string;
beforeEach(async () => {
  server = (await startFakeLlmServer()) as FakeServer;
  dir = mkdtempSync(path.join(tmpdir(), "tunectl-generate-"));
  writeFileSync(path.join(dir, "seeds.jsonl"), seedLines(12));
});
afterEach(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function seedLines(n: number): string {
  const topics = [
    "rivers",
    "taxes",
    "bread",
    "chess",
    "reefs",
    "jazz",
    "solar power",
    "castles",
    "sleep",
    "gardens",
    "tunnels",
    "running",
  ];
  return Array.from({ length: n }, (_, i) =>
    JSON.stringify({
      id: `seed_task_${i}`,
      name: `t${i}`,
      instruction: `Write a short note about ${topics[i % topics.length]} for a newsletter.`,
      instances: [{ input: "", output: `A note about ${topics[i % topics.length]}.` }],
      is_classification: false,
    }),
  ).join("\n");
}

/** The spec file; `over` replaces top-level keys (each value is the YAML after `key: `). */
function spec(over: Record<string, string> = {}): string {
  const keys: Record<string, string> = {
    mode: "alpaca",
    endpoint: `\n  base_url: ${server.url}\n  model: fake`,
    seeds: "seeds.jsonl",
    num_instructions: "20",
    output: "out/generated.jsonl",
    concurrency: "2",
    pricing: "{input_per_1m_usd: 1, output_per_1m_usd: 2}",
    retry: "{initial_delay_s: 0.05, max_delay_s: 5}",
    ...over,
  };
  return writeSpec(
    Object.entries(keys)
      .map(([key, value]) => `${key}: ${value}\n`)
      .join(""),
  );
}

function writeSpec(text: string): string {
  const file = path.join(dir, "gen.yaml");
  writeFileSync(file, text);
  return file;
}

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function start(args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [bin, ...args], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NO_COLOR: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

function tunectl(args: string[], env: Record<string, string> = {}): Promise<Result> {
  const child = start(args, env);
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) =>
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr })),
  );
}

const generate = (env?: Record<string, string>) => tunectl(["data", "generate", "gen.yaml"], env);
const output = () => path.join(dir, "out", "generated.jsonl");
const manifest = () => JSON.parse(readFileSync(`${output()}.manifest.json`, "utf8"));
const records = () =>
  readFileSync(output(), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line));

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 20));
}

describe("data generate against an OpenAI-compatible endpoint", () => {
  it("writes Alpaca JSONL with provenance that data validate accepts; a rerun sends nothing", async () => {
    spec();
    const first = await generate();
    expect(first.code, first.stderr).toBe(0);
    const sent = server.requests.length;
    expect(sent).toBeGreaterThan(0);
    const written = records();
    expect(written).toHaveLength(20);
    const ids = new Set(server.requests.map((r) => r.id));
    for (const record of written) {
      expect(record.provenance.mode).toBe("alpaca");
      expect(ids.has(record.provenance.request)).toBe(true);
      expect(record.provenance.seed_ids).toHaveLength(3);
    }
    expect(new Set(written.map((r) => r.instruction)).size).toBe(20);
    expect(first.stderr).toContain("kept 20, rejected");

    const validate = await tunectl(["data", "validate", output(), "--format", "alpaca"]);
    expect(validate.code, validate.stderr).toBe(0);
    expect(validate.stdout).toContain("20 valid alpaca records");

    const again = await generate();
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("up to date");
    expect(server.requests.length).toBe(sent);
  });

  it("two processes on one spec: one generates, the other waits and sends nothing", async () => {
    spec();
    const [a, b] = await Promise.all([generate(), generate()]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    const ids = server.requests.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([a.stdout, b.stdout].filter((out) => out.includes("up to date"))).toHaveLength(1);
    expect(records()).toHaveLength(20);
    expect(manifest().records).toBe(20);
  });

  it("--dry-run estimates requests, tokens and cost and sends nothing", async () => {
    spec();
    const dry = await tunectl(["data", "generate", "gen.yaml", "--dry-run"]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/requests: +~\d+/);
    expect(dry.stdout).toMatch(/cost: +at most \$\d/);
    expect(server.requests).toHaveLength(0);
    expect(existsSync(output())).toBe(false);
  });

  it("honours Retry-After on 429, retries 500s and malformed JSON, under the same request id", async () => {
    spec({ concurrency: "1", num_instructions: "5" });
    server.script.push({ kind: "429", retryAfter: 1 }, { kind: "500" }, { kind: "malformed" });
    const result = await generate();
    expect(result.code, result.stderr).toBe(0);
    const [limited, failed, broken, ok] = server.requests;
    expect([limited?.kind, failed?.kind, broken?.kind, ok?.kind]).toEqual([
      "429",
      "500",
      "malformed",
      "ok",
    ]);
    expect(new Set([limited?.id, failed?.id, broken?.id, ok?.id]).size).toBe(1);
    // the server asked for 1 s: the retry did not come sooner
    expect(failed!.at - limited!.at).toBeGreaterThanOrEqual(1000);
    expect(result.stderr).toContain("HTTP 429");
    expect(records()).toHaveLength(5);
  });

  it("drops the last task of an answer cut at the token limit", async () => {
    spec({ concurrency: "1", num_instructions: "5" });
    server.script.push({ kind: "length" });
    const result = await generate();
    expect(result.code, result.stderr).toBe(0);
    expect(manifest().rejections.truncated).toBe(1);
    expect(result.stderr).toMatch(/truncated +1/);
  });

  it("stops cleanly at the budget: exit 0, records so far written, a rerun sends nothing", async () => {
    spec({ concurrency: "1", num_instructions: "200", budget: "{max_tokens: 1}" });
    const result = await generate();
    expect(result.code, result.stderr).toBe(0);
    expect(server.requests).toHaveLength(1);
    expect(result.stderr).toContain("max_tokens reached");
    const m = manifest();
    expect(m).toMatchObject({ complete: false, stopped: "max_tokens", requests: 1 });
    expect(records().length).toBe(m.records);
    const again = await generate();
    expect(again.code).toBe(0);
    expect(server.requests).toHaveLength(1);
  });

  it("resumes after a kill mid-request: no completed request is sent again, no record lost", async () => {
    spec({ concurrency: "1", num_instructions: "40" });
    server.script.push({ kind: "ok" }, { kind: "ok" }, { kind: "hang" });
    const child = start(["data", "generate", "gen.yaml"]);
    const journal = () => {
      const file = readdirJournal();
      return file ? readFileSync(file, "utf8").split("\n").filter(Boolean).length : 0;
    };
    await until(() => server.requests.length === 3 && journal() === 2);
    child.kill("SIGKILL");
    await new Promise((r) => child.on("close", r));
    expect(existsSync(output())).toBe(false);

    const rerun = await generate();
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(rerun.stderr).toContain("2 completed requests in the journal");
    const answered = server.requests.filter((r) => r.answered).map((r) => r.id);
    expect(new Set(answered).size).toBe(answered.length);
    // the hung request was never answered, so it is the one sent again
    expect(server.requests[3]?.id).toBe(server.requests[2]?.id);
    const written = records();
    expect(written).toHaveLength(40);
    const fromFirstRun = new Set(server.requests.slice(0, 2).map((r) => r.id));
    expect(written.filter((r) => fromFirstRun.has(r.provenance.request)).length).toBeGreaterThan(0);
  });

  it("runs the self-instruct recipe (instructions, then one instance request each)", async () => {
    spec({ mode: "self-instruct", num_instructions: "6" });
    const result = await generate();
    expect(result.code, result.stderr).toBe(0);
    const written = records();
    expect(written).toHaveLength(6);
    expect(
      written.every(
        (r) => r.output !== "" && r.provenance.instance_request?.startsWith("instances-"),
      ),
    ).toBe(true);
    const validate = await tunectl(["data", "validate", output(), "--format", "alpaca"]);
    expect(validate.code, validate.stderr).toBe(0);
  });

  it.skipIf(!existsSync(realSeeds))(
    "reads the real Self-Instruct seed tasks (skipped without ../shared/datasets)",
    async () => {
      spec({ seeds: realSeeds });
      const result = await generate();
      expect(result.code, result.stderr).toBe(0);
      expect(
        records().every((r) =>
          r.provenance.seed_ids.every((id: string) => id.startsWith("seed_task_")),
        ),
      ).toBe(true);
    },
  );
});

describe("bad input: exit 2 with file:line, nothing sent", () => {
  it("a spec with an unknown key and a wrong type", async () => {
    writeSpec(
      `mode: alpaca\nendpoint:\n  base_url: ${server.url}\n  model: fake\nseeds: seeds.jsonl\nnum_instructions: many\noutput: o.jsonl\nconcurency: 3\n`,
    );
    const result = await generate();
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("gen.yaml:6:19: num_instructions: wrong type");
    expect(result.stderr).toMatch(
      /gen\.yaml:8:1: concurency: unknown key; did you mean concurrency\?/,
    );
    expect(server.requests).toHaveLength(0);
  });

  it("an unknown mode", async () => {
    writeSpec(`mode: evolve\n`);
    const result = await generate();
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("gen.yaml:1:7: mode");
    expect(server.requests).toHaveLength(0);
  });

  it("seeds with a broken line and a task without instruction", async () => {
    spec();
    writeFileSync(
      path.join(dir, "seeds.jsonl"),
      `${seedLines(4)}\n{"instruction": "x", "instances": [\n{"input": "", "output": "no instruction"}\n`,
    );
    const result = await generate();
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("seeds.jsonl:5: invalid JSON");
    expect(result.stderr).toContain("seeds.jsonl:6: instruction: missing or empty");
    expect(server.requests).toHaveLength(0);
  });

  it("a seeds file that does not exist, and a missing secret", async () => {
    spec({ seeds: "nowhere.jsonl" });
    const missing = await generate();
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/gen\.yaml:\d+:8: seeds: nowhere\.jsonl: file not found/);

    spec({
      endpoint: `\n  base_url: ${server.url}\n  model: fake\n  api_key_secret: FAKE_LLM_KEY`,
    });
    const noKey = await generate();
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain("FAKE_LLM_KEY is not set");
    const withKey = await generate({ FAKE_LLM_KEY: "sk-test-secret-value" });
    expect(withKey.code, withKey.stderr).toBe(0);
    expect(withKey.stderr + withKey.stdout).not.toContain("sk-test-secret-value");
    expect(readFileSync(readdirJournal()!, "utf8")).not.toContain("sk-test-secret-value");
    expect(server.requests.length).toBeGreaterThan(0);
  });
});

function readdirJournal(): string | undefined {
  const outDir = path.join(dir, "out");
  if (!existsSync(outDir)) return undefined;
  const name = readdirSync(outDir).find((f) => f.endsWith(".journal.jsonl"));
  return name ? path.join(outDir, name) : undefined;
}
