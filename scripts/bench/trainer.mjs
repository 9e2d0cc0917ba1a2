// `npm run bench -- trainer [rounds]`: trained tokens per CPU-second of our trainer vs stock
// transformers.Trainer + PEFT on the builtin tiny Llama (scripts/trainer/bench.py runs one
// side per process). Rounds interleave the sides; medians are compared.
//   1. demo data, same batch and steps, both unpacked: target ratio >= 1.0
//   2. Alpaca (../shared/datasets/alpaca_5000.json) at max_seq_len 512: ours packed vs stock
//      unpacked, same micro batch and steps, on the tiny Llama with the real Llama 3 tokenizer
//      (records as long as a real model sees them): target ratio >= 1.5
//   3. the same with the byte-level tokenizer of builtin:tiny, for reference: records are ~4x
//      longer in bytes than in tokens, so there is little padding for packing to save (the
//      stock side's positions/tokens, printed, bounds what packing can gain there)
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function side(python, args) {
  const out = execFileSync(python, [path.join(repo, "scripts/trainer/bench.py"), ...args], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
    env: { ...process.env, OMP_NUM_THREADS: "1" },
  });
  return JSON.parse(out.trim().split("\n").pop());
}

export default async function trainerBench(args) {
  const rounds = Number(args[0] ?? 3);
  const python = execFileSync("sh", [path.join(repo, "scripts/trainer/venv.sh")], {
    encoding: "utf8",
  })
    .trim()
    .split("\n")
    .pop();
  const alpaca = fs.existsSync(path.join(repo, "..", "shared", "datasets", "alpaca_5000.json"));
  const cases = {
    "ours demo": ["ours", "demo", "20", "8", "256"],
    "stock demo": ["stock", "demo", "20", "8", "256"],
    ...(alpaca
      ? {
          "ours alpaca packed": ["ours", "alpaca", "10", "4", "512", "--packing", "--llama3"],
          "stock alpaca unpacked": ["stock", "alpaca", "10", "4", "512", "--llama3"],
          "ours alpaca packed, bytes": ["ours", "alpaca", "10", "4", "512", "--packing"],
          "stock alpaca unpacked, bytes": ["stock", "alpaca", "10", "4", "512"],
        }
      : {}),
  };
  const rates = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
  const padding = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
  for (let round = 1; round <= rounds; round++) {
    for (const [name, caseArgs] of Object.entries(cases)) {
      const result = side(python, caseArgs);
      rates[name].push(result.tokens / result.cpu_s);
      padding[name].push(result.positions / result.tokens);
      process.stdout.write(
        `round ${round} ${name}: ${rates[name].at(-1).toFixed(0)} tokens/CPU-s, ` +
          `positions/tokens ${padding[name].at(-1).toFixed(2)}\n`,
      );
    }
  }
  const m = Object.fromEntries(Object.entries(rates).map(([k, v]) => [k, median(v)]));
  const pad = (name) => median(padding[name]).toFixed(2);
  process.stdout.write(
    `\nmedian tokens per CPU-second over ${rounds} rounds\n` +
      Object.entries(m)
        .map(([k, v]) => `  ${k.padEnd(30)} ${v.toFixed(0)}\n`)
        .join("") +
      `ratio ours/stock (demo, unpacked):          ${(m["ours demo"] / m["stock demo"]).toFixed(2)} (target >= 1.0)\n` +
      (alpaca
        ? `ratio ours packed/stock unpacked (alpaca, Llama 3 tokenizer): ${(m["ours alpaca packed"] / m["stock alpaca unpacked"]).toFixed(2)} (target >= 1.5; stock positions/tokens ${pad("stock alpaca unpacked")})\n` +
          `ratio ours packed/stock unpacked (alpaca, byte tokenizer):    ${(m["ours alpaca packed, bytes"] / m["stock alpaca unpacked, bytes"]).toFixed(2)} (reference; stock positions/tokens ${pad("stock alpaca unpacked, bytes")})\n`
        : "alpaca_5000.json not found: the packing ratio was not measured\n"),
  );
}
