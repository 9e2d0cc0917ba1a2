// A Self-Instruct run from the 175 real seed tasks against `tunectl serve` produces a dataset
// `tunectl run` trains on, in one command, and a rerun sends nothing. A random-initialised tiny model answers noise, which the recipe rejects; so a tiny
// model is first trained (by tunectl, on the real trainer) until it answers Self-Instruct's two
// prompts, built by the same prompt builders `data generate` uses from seeds drawn from the real
// file, with fixed answers in their published shapes: a numbered list of new tasks for the
// bootstrap prompt, an `Output:` for the instance prompt. Served greedily, it is a teacher whose
// answers the recipe parses and keeps: each ends at the chat template's `<|im_end|>`, where the
// tiny model's generation config stops (else every answer runs to max_tokens, `truncated`).
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  encodeInstancePrompt,
  encodeSelfInstructPrompt,
  parseInstanceAnswer,
  parseSelfInstructAnswer,
} from "../../../src/generate/self-instruct-prompt.js";
import {
  freshWorkspace,
  processAlive,
  startServe,
  tunectlIn,
  tunectlInAsync,
} from "./serve-session.js";

const seedsFile = path.resolve("..", "shared", "datasets", "self_instruct_seed_tasks.jsonl");
const haveSeeds = existsSync(seedsFile);

/** Seed tasks shown per bootstrap prompt (the recipe's `prompt_seed_tasks`): short prompts. */
const shown = 2;
// short, so the tiny model learns them by heart: each passes the word-count and blacklist filters
const newTasks = ["Name three warm colours.", "List two large oceans."];
// the first example's answer in the instance prompt itself: copying it is what attention does best
const answerOutput = "Output: Red, yellow and blue.";

/** The prompt ends at `3.`: the list continues there, then `4. `. */
function bootstrapAnswer(): string {
  return newTasks.map((task, i) => (i === 0 ? ` ${task}` : `${shown + 1 + i}. ${task}`)).join("\n");
}

function trainingRecords(seeds: string[]): string[] {
  const lines: string[] = [];
  const chat = (user: string, assistant: string) =>
    JSON.stringify({
      messages: [
        { role: "user", content: user },
        { role: "assistant", content: assistant },
      ],
    });
  // 60 distinct pairs of seeds, so the answer is learnt whatever seeds the prompt shows
  for (let i = 0; i < 60; i++) {
    const picked = Array.from({ length: shown }, (_, k) => seeds[(i * 2 + k * 87) % seeds.length]!);
    lines.push(chat(encodeSelfInstructPrompt(picked), bootstrapAnswer()));
  }
  // the instance prompts the run will send (the new tasks), repeated so the two kinds of
  // prompt weigh alike, and a few others of the same shape
  for (let k = 0; k < 6; k++) {
    for (const task of newTasks) lines.push(chat(encodeInstancePrompt(task), answerOutput));
  }
  for (const task of seeds.slice(0, 6)) lines.push(chat(encodeInstancePrompt(task), answerOutput));
  return lines;
}

const ws = haveSeeds ? freshWorkspace("tunectl-self-instruct-") : "";
let serverPid = 0;
afterAll(() => {
  if (serverPid && processAlive(serverPid)) process.kill(serverPid, "SIGKILL");
  if (ws) rmSync(ws, { recursive: true, force: true });
});

function runId(output: string): string {
  const id = /run (\S+) succeeded/.exec(output)?.[1];
  expect(id, output).toBeDefined();
  return id!;
}

/** The dataset fingerprint a run recorded. */
function datasetHash(id: string): string {
  const dir = path.join(ws, ".tunectl", "runs", id);
  const text = readdirSync(dir)
    .filter((name) => name.endsWith(".json"))
    .map((name) => readFileSync(path.join(dir, name), "utf8"))
    .join("\n");
  const hash = /"(?:fingerprint|dataset_sha256|sha256)"\s*:\s*"([0-9a-f]{16,})"/.exec(text)?.[1];
  expect(hash, `no dataset hash in ${dir}`).toBeDefined();
  return hash!;
}

describe.skipIf(!haveSeeds)("self-instruct against tunectl serve (../shared/datasets)", () => {
  it("one `tunectl run` generates from the 175 seed tasks and trains; a rerun sends nothing", async () => {
    const seeds = readFileSync(seedsFile, "utf8")
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => (JSON.parse(line) as { instruction: string }).instruction);
    expect(seeds).toHaveLength(175);
    // the fixed answers are what the recipe's parsers accept
    expect(parseSelfInstructAnswer(bootstrapAnswer(), "stop")).toHaveLength(newTasks.length);
    expect(parseInstanceAnswer(answerOutput, "stop")?.output).not.toBe("");

    mkdirSync(path.join(ws, "data"), { recursive: true });
    writeFileSync(
      path.join(ws, "data", "si-train.jsonl"),
      `${trainingRecords(seeds).join("\n")}\n`,
    );
    writeFileSync(
      path.join(ws, "configs", "si-teacher.yaml"),
      [
        "name: si-teacher",
        "extends: ./tiny-cpu.yaml",
        "data:",
        "  train: [{path: ../data/si-train.jsonl, format: messages}]",
        // the tokenizer's chat template: the one `transformers serve` applies to requests
        "  template: tokenizer",
        "  max_seq_len: 1024",
        "  eval_split: 0",
        "  dedup: false",
        "train: {eval_steps: null, warmup_ratio: 0.03}",
        "lora: {r: 32, alpha: 64, target_modules: [q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj]}",
        "eval: {prompts: null}",
        "model: {tiny: {n_embd: 128, n_head: 4, n_layer: 2}}",
      ].join("\n"),
    );
    const teacherRun = await tunectlInAsync(
      ws,
      "run",
      "configs/si-teacher.yaml",
      ...[
        "train.max_steps=120",
        "train.save_steps=120",
        "train.learning_rate=3e-3",
        "train.micro_batch_size=8",
      ].flatMap((s) => ["--set", s]),
    );
    expect(teacherRun.status, teacherRun.stdout + teacherRun.stderr).toBe(0);
    const teacher = runId(teacherRun.stdout + teacherRun.stderr);

    const serve = await startServe(ws, [teacher]);
    serverPid = serve.info.pid;
    writeFileSync(
      path.join(ws, "gen.yaml"),
      [
        "mode: self-instruct",
        `endpoint: {base_url: "${serve.info.base_url}", model: "${serve.info.model}"}`,
        `seeds: ${seedsFile}`,
        "num_instructions: 2",
        "output: data/generated.jsonl",
        "concurrency: 1",
        "max_requests: 8",
        // greedy: the teacher's lists are what it learnt, not samples of it
        `recipe: {prompt_seed_tasks: ${shown}, prompt_machine_tasks: 0, temperature: 0, top_p: 1, presence_penalty: 0, max_tokens: 400}`,
      ].join("\n"),
    );
    writeFileSync(
      path.join(ws, "configs", "si-student.yaml"),
      [
        "name: si-student",
        "extends: ./tiny-cpu.yaml",
        "data:",
        "  train: [{generate: ../gen.yaml}]",
        "  eval_split: 0",
        "  max_seq_len: 1024",
        "train: {eval_steps: null}",
        "eval: {prompts: null}",
      ].join("\n"),
    );
    const studentArgs = [
      "run",
      "configs/si-student.yaml",
      ...["train.max_steps=2", "train.save_steps=2"].flatMap((s) => ["--set", s]),
    ];
    const first = await tunectlInAsync(ws, ...studentArgs);
    const firstOut = first.stdout + first.stderr;
    expect(first.status, firstOut).toBe(0);
    const firstId = runId(firstOut);

    const records = readFileSync(path.join(ws, "data", "generated.jsonl"), "utf8")
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map(
        (line) =>
          JSON.parse(line) as {
            instruction: string;
            input: string;
            output: string;
            provenance: Record<string, unknown>;
          },
      );
    expect(records.length).toBeGreaterThan(0);
    for (const record of records) {
      expect(record.instruction.split(/\s+/).length).toBeGreaterThanOrEqual(3);
      expect(record.output.trim()).not.toBe("");
      expect(record.provenance).toMatchObject({ mode: "self-instruct", model: serve.info.model });
      expect(record.provenance.request).toEqual(expect.any(String));
      expect(record.provenance.instance_request).toEqual(expect.any(String));
      expect(record.provenance.seed_ids).toEqual(expect.any(Array));
    }
    const validate = tunectlIn(
      ws,
      "data",
      "validate",
      "data/generated.jsonl",
      "--format",
      "alpaca",
    );
    expect(validate.status, validate.stdout + validate.stderr).toBe(0);

    // the teacher goes away: a rerun that sent anything would fail to reach it
    serve.child.kill("SIGINT");
    expect(await serve.ended).toBe(130);
    expect(processAlive(serverPid)).toBe(false);

    const second = await tunectlInAsync(ws, "--json", ...studentArgs);
    const secondOut = second.stdout + second.stderr;
    expect(second.status, secondOut).toBe(0);
    expect(secondOut).toContain("generate.source_cached");
    const secondId = runId(secondOut);
    expect(secondId).not.toBe(firstId);
    expect(datasetHash(secondId)).toBe(datasetHash(firstId));
  });
});
