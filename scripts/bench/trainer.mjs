// `npm run bench -- trainer [rounds]`: trained tokens per CPU-second of our trainer vs stock
// transformers.Trainer + PEFT on the builtin tiny Llama (scripts/trainer/bench.py runs one
// side per process). Rounds interleave the sides; medians are compared.
//   1. demo data, same batch and steps, both unpacked: target ratio >= 1.0
//   2. Alpaca (../shared/datasets/alpaca_5000.json) at max_seq_len 512: ours packed vs stock
//      unpacked, same micro batch and steps: target ratio >= 1.5
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
  const result = JSON.parse(out.trim().split("\n").pop());
  return result.tokens / result.cpu_s;
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
          "ours alpaca packed": ["ours", "alpaca", "10", "4", "512", "--packing"],
          "stock alpaca unpacked": ["stock", "alpaca", "10", "4", "512"],
        }
      : {}),
  };
  const rates = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
  for (let round = 1; round <= rounds; round++) {
    for (const [name, caseArgs] of Object.entries(cases)) {
      rates[name].push(side(python, caseArgs));
      process.stdout.write(
        `round ${round} ${name}: ${rates[name].at(-1).toFixed(0)} tokens/CPU-s\n`,
      );
    }
  }
  const m = Object.fromEntries(Object.entries(rates).map(([k, v]) => [k, median(v)]));
  process.stdout.write(
    `\nmedian tokens per CPU-second over ${rounds} rounds\n` +
      Object.entries(m)
        .map(([k, v]) => `  ${k.padEnd(24)} ${v.toFixed(0)}\n`)
        .join("") +
      `ratio ours/stock (demo, unpacked):          ${(m["ours demo"] / m["stock demo"]).toFixed(2)} (target >= 1.0)\n` +
      (alpaca
        ? `ratio ours packed/stock unpacked (alpaca): ${(m["ours alpaca packed"] / m["stock alpaca unpacked"]).toFixed(2)} (target >= 1.5)\n`
        : "alpaca_5000.json not found: the packing ratio was not measured\n"),
  );
}
