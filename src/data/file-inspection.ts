import { createHash } from "node:crypto";
import type { z } from "zod";
import {
  datasetFormats,
  textLabelSchema,
  type DatasetSource,
  type DataConfig,
} from "../config/index.js";
import { UserError } from "../errors/index.js";
import { didYouMean } from "./closest-name.js";
import { StatsAccumulator, type DatasetStats } from "./dataset-stats.js";
import { ProblemCollector } from "./problem-collector.js";
import type { OpenInput } from "./readers/record-source.js";
import { scanSource } from "./source-scan.js";
import { resolveTemplate } from "./templates/template-registry.js";
import type { Problem } from "../errors/index.js";
import { TokenStatsAccumulator, type TokenStats, type TrainerTokenizer } from "./tokens/index.js";

export type DatasetFormat = (typeof datasetFormats)[number];

export interface DataFileOptions {
  format: string;
  /** Defaults to alpaca; the template only matters for rendering and length statistics. */
  template?: string;
  templates?: DataConfig["templates"];
  type?: DatasetSource["type"];
  fields?: Record<string, string>;
  roles?: Record<string, string>;
  /** As written in a config: defaults are applied here. */
  textLabel?: z.input<typeof textLabelSchema>;
  seed?: number;
  open?: OpenInput;
  /** Also count every rendered record in this tokenizer's tokens (data stats --model). */
  tokens?: { tokenizer: TrainerTokenizer; name: string; maxSeqLen: number; trainOnInputs: boolean };
}

export interface DataFileReport {
  file: string;
  format: DatasetFormat;
  valid: boolean;
  stats: DatasetStats;
  problems: Problem[];
  /** Reported, records kept: empty outputs. */
  warnings: Problem[];
  /** Later copies of an earlier record, first few only. */
  duplicates: Array<{ where: string; first: string }>;
  tokens?: TokenStats;
}

export function parseFormat(name: string): DatasetFormat {
  if ((datasetFormats as readonly string[]).includes(name)) return name as DatasetFormat;
  throw new UserError(`unknown format "${name}"`, {
    code: "data.unknown_format",
    hint: didYouMean(name, datasetFormats),
  });
}

function sourceOf(path: string, options: DataFileOptions): DatasetSource {
  return {
    path,
    format: parseFormat(options.format),
    type: options.type ?? "auto",
    ...(options.fields ? { fields: options.fields } : {}),
    ...(options.roles ? { roles: options.roles } : {}),
    ...(options.textLabel ? { text_label: textLabelSchema.parse(options.textLabel) } : {}),
  };
}

/** `tunectl data validate` and `data stats`: every record checked, statistics, duplicates. */
export async function inspectDataFile(
  path: string,
  options: DataFileOptions,
): Promise<DataFileReport> {
  const source = sourceOf(path, options);
  const template = resolveTemplate(options.template ?? "alpaca", options.templates);
  const problems = new ProblemCollector();
  const stats = new StatsAccumulator();
  const seen = new Map<string, string>();
  const duplicates: DataFileReport["duplicates"] = [];
  const t = options.tokens;
  const tokens = t
    ? new TokenStatsAccumulator(t.tokenizer, {
        tokenizer: t.name,
        maxSeqLen: t.maxSeqLen,
        trainOnInputs: t.trainOnInputs,
      })
    : undefined;
  await scanSource(
    source,
    {
      seed: options.seed ?? 42,
      template,
      problems,
      ...(t ? { tokens: t } : {}),
      ...(options.open ? { open: options.open } : {}),
    },
    (record) => {
      const key = createHash("sha1").update(record.line).digest("base64");
      const first = seen.get(key);
      if (first !== undefined) {
        stats.duplicates += 1;
        if (duplicates.length < 20) duplicates.push({ where: record.where, first });
        return;
      }
      seen.set(key, record.where);
      stats.add(record.example, record.rendered);
      tokens?.add(record.rendered);
    },
  );
  stats.invalid = problems.invalidRecords;
  return {
    ...(tokens ? { tokens: tokens.result() } : {}),
    file: path,
    format: source.format,
    valid: problems.invalidRecords === 0,
    stats: stats.result(),
    problems: problems.problems(),
    warnings: problems.warnings(),
    duplicates,
  };
}

/**
 * `tunectl data render`: rendered records as UTF-8 JSONL lines, streamed to `write` in chunks
 * of whole lines. Invalid records are skipped while writing and reported at the end as a
 * `data.invalid` error unless `skipInvalid`.
 */
export async function renderDataFile(
  path: string,
  options: DataFileOptions & { template: string; skipInvalid?: boolean },
  write: (lines: Buffer) => void | Promise<void>,
): Promise<{ records: number; invalid: number }> {
  const source = sourceOf(path, options);
  const template = resolveTemplate(options.template, options.templates);
  const problems = new ProblemCollector();
  // Each line is encoded straight into a chunk buffer: joining a chunk's lines into one string
  // first (two-byte as soon as one record is not ASCII) cost more than the encoding. A fresh
  // buffer per chunk, as `write` may hold on to the one it was given.
  let chunk = Buffer.allocUnsafe(chunkSize);
  let used = 0;
  const result = await scanSource(
    source,
    {
      seed: options.seed ?? 42,
      template,
      problems,
      ...(options.tokens ? { tokens: options.tokens } : {}),
      ...(options.open ? { open: options.open } : {}),
    },
    (record) => {
      const line = record.line;
      // UTF-8 takes at most 3 bytes per UTF-16 code unit, plus the newline
      const most = 3 * line.length + 1;
      let full: Buffer | undefined;
      if (used + most > chunk.length) {
        full = chunk.subarray(0, used);
        chunk = Buffer.allocUnsafe(Math.max(chunkSize, most));
        used = 0;
      }
      used += chunk.write(line, used, "utf8");
      chunk[used++] = 10;
      if (full && full.length) return write(full);
    },
  );
  if (used) await write(chunk.subarray(0, used));
  if (problems.invalidRecords > 0 && !options.skipInvalid) throw problems.error(path);
  return result;
}

const chunkSize = 1 << 17;
