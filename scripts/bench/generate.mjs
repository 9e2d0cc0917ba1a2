// `npm run bench -- generate [--requests N] [--concurrency C] [--latency-ms L] [--runs K]`:
// records per second of `tunectl data generate` (the whole CLI process: start-up, journal with
// fsync per request, parsing, filters, dedup, output) against the LLM test double, versus raw
// concurrent requests (plain fetch, nothing else) for the same number of requests at the same
// concurrency, interleaved, medians. Target: ratio >= 0.9. The default 240 requests (30 rounds
// of 8 at 400 ms) is a short generation run; the process's fixed start-up and exit cost, which a
// real run of thousands of requests does not notice, is printed beside the ratio.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { startFakeLlmServer } from "../testbed/fake-llm-server.mjs";
import { compare, fmtRatio, report } from "./measure.mjs";

function option(args, name, fallback) {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : fallback;
}

function seeds() {
  const topics = ["rivers", "taxes", "bread", "chess", "reefs", "jazz", "solar power", "castles"];
  return topics
    .map((topic, i) =>
      JSON.stringify({
        id: `seed_task_${i}`,
        instruction: `Write a short note about ${topic} for a newsletter.`,
        instances: [{ input: "", output: `A note about ${topic}.` }],
      }),
    )
    .join("\n");
}

function run(command, args, cwd) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (c) => (stderr += c));
    child.on("close", (code) =>
      code === 0 ? resolve() : reject(new Error(`exit ${code}: ${stderr}`)),
    );
  });
}

export default async function generateBench(args) {
  const requests = option(args, "--requests", 240);
  const concurrency = option(args, "--concurrency", 8);
  const latencyMs = option(args, "--latency-ms", 400);
  const runs = option(args, "--runs", 3);
  const server = await startFakeLlmServer({ latencyMs });
  const bin = path.resolve("bin", "tunectl.js");
  const dir = mkdtempSync(path.join(tmpdir(), "tunectl-bench-generate-"));
  writeFileSync(path.join(dir, "seeds.jsonl"), seeds());
  let records = 0;
  let round = 0;

  const viaTunectl = async () => {
    round += 1;
    const out = `out-${round}/generated.jsonl`;
    writeFileSync(
      path.join(dir, "gen.yaml"),
      [
        "mode: alpaca",
        `endpoint: {base_url: "${server.url}", model: fake}`,
        "seeds: seeds.jsonl",
        "num_instructions: 1000000",
        `max_requests: ${requests}`,
        `concurrency: ${concurrency}`,
        `output: ${out}`,
        "",
      ].join("\n"),
    );
    const start = performance.now();
    await run(process.execPath, [bin, "data", "generate", "gen.yaml"], dir);
    const ms = performance.now() - start;
    records = readFileSync(path.join(dir, out), "utf8").split("\n").filter(Boolean).length;
    return ms;
  };

  const prompt = `${"You are asked to come up with a set of 20 diverse task instructions.\n".repeat(8)}###\n4. Instruction:`;
  const raw = async () => {
    const start = performance.now();
    let next = 0;
    const worker = async () => {
      while (next < requests) {
        next += 1;
        const response = await fetch(`${server.url}/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            model: "fake",
            messages: [{ role: "user", content: prompt }],
            max_tokens: 3072,
            stop: ["\n20", "20.", "20."],
          }),
        });
        await response.json();
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return performance.now() - start;
  };

  try {
    const result = await compare(viaTunectl, raw, runs);
    const cliRate = records / (result.a / 1000);
    const rawRate = records / (result.b / 1000);
    report(
      `data generate vs raw requests: ${requests} requests, concurrency ${concurrency}, ${latencyMs} ms per answer, ${runs} runs each (medians)`,
      [
        `tunectl data generate: ${result.a.toFixed(0)} ms, ${records} records, ${cliRate.toFixed(1)} records/s`,
        `raw concurrent fetch:  ${result.b.toFixed(0)} ms for the same requests, ${rawRate.toFixed(1)} records/s`,
        `overhead of the whole CLI process: ${(result.a - result.b).toFixed(0)} ms over the run`,
        `ratio: ${fmtRatio(cliRate / rawRate, 0.9, ">=")}`,
      ],
    );
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
