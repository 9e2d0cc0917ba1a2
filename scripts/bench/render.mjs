// `npm run bench -- render [--copies N] [--runs N]`: records/s of `tunectl data render` on the
// real Alpaca records (as JSONL, repeated to a sizeable file) against a bare loop that only
// splits lines and JSON.parses each one: the floor any reader has to pay. Target: >= 0.5.
import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { compare, fmtMs, fmtRatio, report } from "./measure.mjs";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

function flag(args, name, fallback) {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : fallback;
}

async function bareParseLoop(file) {
  let records = 0;
  let carry = "";
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20, encoding: "utf8" })) {
    const text = carry + chunk;
    let start = 0;
    for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", start)) {
      JSON.parse(text.slice(start, nl));
      records += 1;
      start = nl + 1;
    }
    carry = text.slice(start);
  }
  return records;
}

export default async function (args) {
  const copies = flag(args, "--copies", 20);
  const runs = flag(args, "--runs", 5);
  const { renderDataFile } = await import(path.join(repo, "dist/data/index.js"));
  const source = JSON.parse(
    readFileSync(path.resolve(repo, "../shared/datasets/alpaca_5000.json"), "utf8"),
  );
  const dir = mkdtempSync(path.join(tmpdir(), "tunectl-bench-render-"));
  try {
    const file = path.join(dir, "alpaca.jsonl");
    const lines = source.map((r) => JSON.stringify(r)).join("\n");
    writeFileSync(file, `${Array.from({ length: copies }, () => lines).join("\n")}\n`);
    const records = source.length * copies;
    let rendered = 0;
    const result = await compare(
      async () => {
        const start = performance.now();
        const out = await renderDataFile(
          file,
          { format: "alpaca", template: "alpaca", skipInvalid: true },
          () => {},
        );
        rendered = out.records;
        return performance.now() - start;
      },
      async () => {
        const start = performance.now();
        await bareParseLoop(file);
        return performance.now() - start;
      },
      runs,
    );
    const rate = (ms) => `${Math.round(records / (ms / 1000)).toLocaleString("en")} records/s`;
    report(`render: ${records} Alpaca records (${copies} x 5000), median of ${runs}`, [
      `tunectl render (read, check, alpaca template, JSON out): ${fmtMs(result.a)}  ${rate(result.a)}  (${rendered} rendered)`,
      `bare JSON.parse per line:                                ${fmtMs(result.b)}  ${rate(result.b)}`,
      `throughput ratio render / bare: ${fmtRatio(result.b / result.a, 0.5, ">=")}`,
    ]);
    return { ratio: result.b / result.a };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
