import { createHash } from "node:crypto";
import { closeSync, openSync, writeSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { RenderableExperiment, StorageConfig } from "../config/index.js";
import { UserError } from "../errors/index.js";
import { type Reporter } from "../report/index.js";
import { publishEntry, sweepLeftovers, workDirName, writeIndexFile } from "./cache-entry.js";
import {
  localFilesMatch,
  parseManifest,
  type DatasetManifest,
  type ManifestFile,
} from "./dataset-manifest.js";
import type { DatasetStats } from "./dataset-stats.js";
import { inputAccess } from "./input-identity.js";
import { LineSpool } from "./line-spool.js";
import { scanExperiment } from "./experiment-scan.js";
import { mixtureIndices, planMixture, type MixturePlan } from "./mixture.js";
import { seededOrder } from "./seeded-order.js";
import type { ModelTokenizer } from "./tokens/index.js";
import { dataCacheHit, dataRendered, renderShared } from "./events.js";

export interface PrepareOptions {
  /** `.tunectl/cache/datasets` of the workspace. */
  cacheDir: string;
  reporter: Reporter;
  /** The workspace storage settings, used to read `s3://` inputs. */
  storage?: StorageConfig;
  /** The model's tokenizer; awaited only when a text-label source has few_shot. */
  tokenizer?: ModelTokenizer | Promise<ModelTokenizer>;
}

export interface PreparedDataset {
  fingerprint: string;
  /** Local directory with train.jsonl, eval.jsonl and manifest.json. */
  dir: string;
  records: { train: number; eval: number };
  manifest: DatasetManifest;
  stats?: DatasetStats;
  /** True when an unchanged earlier render was reused. */
  cached: boolean;
}

const settingsVersion = 1;

/**
 * Renders the experiment's data to `<cacheDir>/<fingerprint>/`: every record checked
 * (nothing is written when validation fails), exact duplicates dropped, shuffled with the
 * training seed, split, and fingerprinted. Inputs unchanged since the last render (same
 * path, size and mtime, same data settings) are not read again.
 */
export async function prepareDataset(
  experiment: RenderableExperiment,
  options: PrepareOptions,
): Promise<PreparedDataset> {
  const access = inputAccess(options.storage, options.reporter);
  try {
    const data = experiment.data;
    const seed = experiment.train.seed;
    const sources = [...data.train, ...(data.eval ?? [])];
    const identities = await Promise.all(sources.map((s) => access.identify(s.path)));
    const fewShot = sources.some((s) => s.text_label?.few_shot !== undefined);
    const tokenizer = fewShot ? await options.tokenizer : undefined;
    // Few-shot records are pruned in the tokenizer's tokens: another tokenizer, another render.
    const counter = tokenizer?.kind === "ready" ? tokenizer.name : undefined;
    const cacheKey = sha256(
      JSON.stringify({
        v: settingsVersion,
        identities,
        data,
        seed,
        ...(counter ? { counter } : {}),
      }),
    );
    const indexFile = join(options.cacheDir, "index", `${cacheKey}.json`);
    const hit = await cachedDataset(options.cacheDir, indexFile);
    if (hit) {
      dataCacheHit.emit(
        options.reporter,
        `data unchanged: reusing ${hit.fingerprint.slice(0, 12)}`,
        { fingerprint: hit.fingerprint },
      );
      return hit;
    }

    await sweepLeftovers(options.cacheDir);
    const work = join(options.cacheDir, workDirName());
    await mkdir(work, { recursive: true });
    const trainSpool = new LineSpool(join(work, "train.spool"));
    const trainSizes: number[] = [];
    const evalSpool = new LineSpool(join(work, "eval.spool"));
    let open = true;
    const closeSpools = () => {
      if (open) [trainSpool, evalSpool].forEach((spool) => spool.close());
      open = false;
    };
    try {
      const scan = await scanExperiment(experiment, {
        open: access.open,
        reporter: options.reporter,
        ...(tokenizer ? { tokenizer } : {}),
        onRecord: (split, line, _rendered, source) => {
          if (split === "train") trainSizes[source] = (trainSizes[source] ?? 0) + 1;
          (split === "train" ? trainSpool : evalSpool).push(line);
        },
      });
      const plan = planMixture(data.train, trainSizes, data.mixture);
      const { trainOrder, evalOrder } = splitOrder(
        trainSpool.length,
        evalSpool.length,
        experiment,
        plan && { plan, starts: startsOf(data.train.map((_, i) => trainSizes[i] ?? 0)) },
      );
      const train = writeOrdered(join(work, "train.jsonl"), [[trainSpool, trainOrder.train]]);
      const evalFile = writeOrdered(join(work, "eval.jsonl"), [
        [trainSpool, trainOrder.eval],
        [evalSpool, evalOrder ?? new Uint32Array(0)],
      ]);
      const fingerprint = sha256(
        `tunectl-dataset/${settingsVersion}\n${data.template}\n${train.sha256} ${train.size}\n${evalFile.sha256} ${evalFile.size}\n${builderLine(experiment)}`,
      );
      const records = {
        train: trainOrder.train.length,
        eval: evalOrder ? evalOrder.length : trainOrder.eval.length,
      };
      const rendered: DatasetManifest = {
        fingerprint,
        format_version: 1,
        files: [train, evalFile],
        records,
        template: data.template,
        sources: scan.sources,
        ...(plan ? { mixture: plan } : {}),
        duplicates_dropped: scan.duplicates,
        invalid_skipped: scan.invalid,
        created_at: new Date().toISOString(),
      };
      closeSpools();
      await rm(join(work, "train.spool"));
      await rm(join(work, "eval.spool"));
      const dir = join(options.cacheDir, fingerprint);
      await writeFile(join(work, "manifest.json"), `${JSON.stringify(rendered, null, 2)}\n`);
      // Content-addressed: when another process finished the same entry first, its entry
      // (and its manifest, which is what gets staged) is used and this render discarded.
      const { manifest, reused } = await publishEntry(options.cacheDir, work, rendered);
      await mkdir(join(options.cacheDir, "index"), { recursive: true });
      await writeIndexFile(indexFile, JSON.stringify({ fingerprint, stats: scan.stats }));
      if (reused)
        renderShared.emit(
          options.reporter,
          `data ${fingerprint.slice(0, 12)} was rendered by another tunectl process at the same time: using its copy`,
          { fingerprint },
        );
      dataRendered.emit(
        options.reporter,
        `rendered ${records.train} train and ${records.eval} eval records (${fingerprint.slice(0, 12)})`,
        { fingerprint, records },
      );
      return { fingerprint, dir, records, manifest, stats: scan.stats, cached: false };
    } finally {
      closeSpools();
      await rm(work, { recursive: true, force: true });
    }
  } finally {
    access.close();
  }
}

async function cachedDataset(
  cacheDir: string,
  indexFile: string,
): Promise<PreparedDataset | undefined> {
  try {
    const index = JSON.parse(await readFile(indexFile, "utf8")) as {
      fingerprint: string;
      stats?: DatasetStats;
    };
    const dir = join(cacheDir, index.fingerprint);
    const manifest = parseManifest(await readFile(join(dir, "manifest.json"), "utf8"));
    if (
      !manifest ||
      manifest.fingerprint !== index.fingerprint ||
      !(await localFilesMatch(dir, manifest))
    )
      return undefined;
    return {
      fingerprint: manifest.fingerprint,
      dir,
      records: manifest.records,
      manifest,
      ...(index.stats ? { stats: index.stats } : {}),
      cached: true,
    };
  } catch {
    return undefined;
  }
}

/**
 * The settings that shape a text-label or mixed dataset, in the fingerprint: they are in the
 * bytes too, but a change that happens to leave them equal (a weight that samples nothing
 * away) still names another dataset. Absent for other data, so its fingerprints stay as they were.
 */
function builderLine(experiment: RenderableExperiment): string {
  const { data } = experiment;
  const mixed = data.train.some((s) => s.weight !== undefined);
  if (!mixed && !data.train.some((s) => s.format === "text-label")) return "";
  const settings = data.train.map((s) => ({
    text_label: s.text_label ?? null,
    weight: s.weight ?? null,
    max_records: s.max_records ?? null,
  }));
  return `builder ${sha256(JSON.stringify({ settings, mixture: mixed ? data.mixture : null, seed: experiment.train.seed }))}\n`;
}

function startsOf(sizes: number[]): number[] {
  let at = 0;
  return sizes.map((size) => ((at += size), at - size));
}

/**
 * Shuffled (or not) order, cut to max_records, split into train and held-out eval. A mixture
 * picks the records first; a record repeated by it is never both trained on and held out.
 */
function splitOrder(
  trainCount: number,
  evalCount: number,
  experiment: RenderableExperiment,
  mixture?: { plan: MixturePlan; starts: number[] },
) {
  const { data, train } = experiment;
  let order: Uint32Array;
  if (mixture) {
    const picked = mixtureIndices(mixture.plan, mixture.starts, train.seed);
    order = seededOrder(picked.length, train.seed, data.shuffle).map((i) => picked[i] as number);
  } else order = seededOrder(trainCount, train.seed, data.shuffle);
  if (data.max_records !== undefined && order.length > data.max_records)
    order = order.subarray(0, data.max_records);
  const evalOrder =
    evalCount > 0 || (data.eval?.length ?? 0) > 0
      ? seededOrder(evalCount, train.seed, false)
      : undefined;
  let held = 0;
  if (!evalOrder && data.eval_split > 0) {
    held =
      data.eval_split < 1
        ? Math.max(1, Math.round(order.length * data.eval_split))
        : data.eval_split;
    if (held >= order.length) {
      throw new UserError(
        `data.eval_split ${data.eval_split} leaves no training records (${order.length} records in all)`,
        {
          code: "data.empty",
          problems: [
            { path: "data.eval_split", message: `holds out ${held} of ${order.length} records` },
          ],
        },
      );
    }
  }
  const heldOut = order.subarray(0, held);
  let trained = order.subarray(held);
  if (mixture && data.mixture.allow_repeat && held > 0) {
    const inEval = new Set(heldOut);
    trained = trained.filter((index) => !inEval.has(index));
  }
  return { trainOrder: { eval: heldOut, train: trained }, evalOrder };
}

/** Writes lines from spools in order, hashing as it goes; returns the manifest entry. */
function writeOrdered(path: string, parts: Array<[LineSpool, ArrayLike<number>]>): ManifestFile {
  const fd = openSync(path, "w");
  const hash = createHash("sha256");
  let size = 0;
  const out = (bytes: Buffer) => {
    hash.update(bytes);
    writeSync(fd, bytes);
    size += bytes.length;
  };
  try {
    for (const [spool, order] of parts) spool.copyOut(order, out);
  } finally {
    closeSync(fd);
  }
  return { name: path.slice(path.lastIndexOf("/") + 1), size, sha256: hash.digest("hex") };
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
