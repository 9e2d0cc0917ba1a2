import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { UserError } from "../errors/index.js";
import type { Clock, Reporter } from "../report/index.js";
import { withFileLock, writeFileAtomic } from "../runs/index.js";
import { openAiEndpoint, type ChatEndpoint } from "./chat-endpoint.js";
import { contentKeys, journalFileFor, manifestFileFor, sha256 } from "./content-key.js";
import {
  generateProgress,
  generateRejections,
  generateResumed,
  generateStage,
  generateUpToDate,
  generateWaiting,
} from "./events.js";
import type { LoadedSpec } from "./load-spec.js";
import { recipeFor } from "./recipe-stages.js";
import { RequestJournal } from "./request-journal.js";
import { RequestScheduler, type StopReason } from "./request-scheduler.js";
import type { SeedTask } from "./seed-tasks.js";

export interface GenerateDeps {
  reporter: Reporter;
  clock: Clock;
  env: Record<string, string | undefined>;
  signal: AbortSignal;
  /** Tests pass their own; by default the official client against endpoint.base_url. */
  endpoint?: ChatEndpoint;
  random?: () => number;
}

/** `<output>.manifest.json`: what the output is, so a rerun of the same spec sends nothing. */
export interface OutputManifest {
  key: string;
  sha256: string;
  complete: boolean;
  stopped?: StopReason;
  records: number;
  requests: number;
  tokens: { input: number; output: number };
  cost_usd: number;
  rejections: Record<string, number>;
}

export interface GenerateResult {
  output: string;
  journal: string;
  upToDate: boolean;
  /** Requests sent by this run (the rest were read from the journal). */
  sent: number;
  manifest: OutputManifest;
}

export async function generateData(
  loaded: LoadedSpec,
  seeds: SeedTask[],
  deps: GenerateDeps,
): Promise<GenerateResult> {
  // Two processes on one spec (two terminals, a sweep's runs sharing data) would append to one
  // journal and race on the output: one works while the other waits, then finds the output up
  // to date and sends nothing.
  await mkdir(path.dirname(loaded.outputFile), { recursive: true });
  return withFileLock(`${loaded.outputFile}.lock`, () => generateLocked(loaded, seeds, deps), {
    timeoutMs: Infinity,
    onWait: (holder) =>
      generateWaiting.emit(
        deps.reporter,
        `another tunectl (pid ${holder.pid} on ${holder.host}) is generating ${loaded.spec.output ?? loaded.outputFile}: waiting for it`,
        { output: loaded.outputFile, pid: holder.pid, host: holder.host },
      ),
  });
}

async function generateLocked(
  loaded: LoadedSpec,
  seeds: SeedTask[],
  deps: GenerateDeps,
): Promise<GenerateResult> {
  const { spec, outputFile } = loaded;
  const keys = await contentKeys(loaded);
  const journalFile = journalFileFor(outputFile, keys);
  const manifestFile = manifestFileFor(outputFile);
  const existing = await upToDate(outputFile, manifestFile, keys.output);
  if (existing) {
    generateUpToDate.emit(
      deps.reporter,
      `${spec.output ?? outputFile} is up to date (${existing.records} records): nothing sent`,
      {
        output: outputFile,
        records: existing.records,
      },
    );
    return {
      output: outputFile,
      journal: journalFile,
      upToDate: true,
      sent: 0,
      manifest: existing,
    };
  }
  const endpoint =
    deps.endpoint ??
    openAiEndpoint({
      baseURL: spec.endpoint.base_url,
      model: spec.endpoint.model,
      ...(spec.endpoint.api_key_secret
        ? { apiKey: readKey(spec.endpoint.api_key_secret, deps.env) }
        : {}),
      timeoutMs: spec.retry.timeout_s * 1000,
    });
  await mkdir(path.dirname(outputFile), { recursive: true });
  const journal = await RequestJournal.open(journalFile);
  try {
    if (journal.entries.size > 0) {
      generateResumed.emit(
        deps.reporter,
        `continuing: ${journal.entries.size} completed requests in the journal`,
        {
          journal: journalFile,
          requests: journal.entries.size,
        },
      );
    }
    const recipe = recipeFor({
      spec,
      seeds,
      ...(loaded.promptText ? { promptText: loaded.promptText } : {}),
    });
    const started = deps.clock.now().getTime();
    const scheduler: RequestScheduler = new RequestScheduler({
      spec,
      endpoint,
      journal,
      reporter: deps.reporter,
      clock: deps.clock,
      signal: deps.signal,
      ...(deps.random ? { random: deps.random } : {}),
      keptCount: () => recipe.records().length,
      onApplied: () => progress(),
    });
    const progress = () => {
      const spent = scheduler.spent();
      const done = recipe.done();
      const seconds = (deps.clock.now().getTime() - started) / 1000;
      generateProgress.emit(deps.reporter, "generate", {
        task: "generate",
        done,
        total: recipe.target,
        unit: "items",
        ...(seconds > 0 ? { rate: done / seconds } : {}),
        detail: `rejected ${recipe.counts.rejected()}${histogramText(recipe.counts.rejections, 3)}  ${spent.tokens} tokens  $${spent.cost_usd.toFixed(4)}`,
      });
    };
    let first = true;
    for (const stage of recipe.stages()) {
      if (!first && stage.announce) {
        const { records, what } = stage.announce;
        generateStage.emit(deps.reporter, `stage ${stage.name}: ${records} ${what}`, {
          stage: stage.name,
          records,
        });
      }
      first = false;
      if (scheduler.stopped) break;
      await scheduler.run(stage);
    }
    const records = recipe.records();
    const lines = records.map((record) => JSON.stringify(record)).join("\n");
    const content = records.length ? `${lines}\n` : "";
    const rejections = Object.fromEntries(recipe.counts.rejections);
    const spent = scheduler.spent();
    let input = 0;
    let output = 0;
    for (const entry of journal.entries.values()) {
      input += entry.usage.input_tokens;
      output += entry.usage.output_tokens;
    }
    const manifest: OutputManifest = {
      key: keys.output,
      sha256: sha256(content),
      complete: !scheduler.stopped && recipe.complete(),
      ...(scheduler.stopped ? { stopped: scheduler.stopped } : {}),
      records: records.length,
      requests: spent.requests,
      tokens: { input, output },
      cost_usd: spent.cost_usd,
      rejections,
    };
    generateRejections.emit(
      deps.reporter,
      rejectionTable(recipe.counts.rejections, records.length),
      {
        rejections,
      },
    );
    await writeFileAtomic(outputFile, content);
    await writeFileAtomic(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
    return {
      output: outputFile,
      journal: journalFile,
      upToDate: false,
      sent: scheduler.sent,
      manifest,
    };
  } finally {
    await journal.close();
  }
}

function readKey(name: string, env: Record<string, string | undefined>): string {
  const value = env[name];
  if (value === undefined || value === "") {
    throw new UserError(`endpoint.api_key_secret: ${name} is not set in the environment`, {
      code: "generate.secret_missing",
      hint: `export ${name}=... before running (the key is never written to the journal or output)`,
    });
  }
  return value;
}

async function upToDate(
  output: string,
  manifestFile: string,
  key: string,
): Promise<OutputManifest | undefined> {
  try {
    const manifest = JSON.parse(await readFile(manifestFile, "utf8")) as OutputManifest;
    if (manifest.key !== key || !manifest.complete) return undefined;
    return sha256(await readFile(output)) === manifest.sha256 ? manifest : undefined;
  } catch {
    return undefined;
  }
}

/** ` (duplicate 7, blacklist 5)`: the most frequent reasons first. */
export function histogramText(counts: Map<string, number>, limit = Infinity): string {
  const sorted = [...counts]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, limit);
  return sorted.length ? ` (${sorted.map(([reason, n]) => `${reason} ${n}`).join(", ")})` : "";
}

/** The histogram at the end: one row per reason, most frequent first. */
export function rejectionTable(counts: Map<string, number>, kept: number): string {
  const rows = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const total = rows.reduce((sum, [, n]) => sum + n, 0);
  const width = Math.max(0, ...rows.map(([reason]) => reason.length));
  const most = rows[0]?.[1] ?? 1;
  const bar = (n: number) => "#".repeat(Math.max(1, Math.round((n / most) * 30)));
  return [
    `kept ${kept}, rejected ${total}${rows.length ? ":" : ""}`,
    ...rows.map(([reason, n]) => `  ${reason.padEnd(width)}  ${String(n).padStart(6)}  ${bar(n)}`),
  ].join("\n");
}
