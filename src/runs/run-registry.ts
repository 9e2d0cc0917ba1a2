import { mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { UserError } from "../errors/index.js";
import { systemClock, type Clock } from "../report/index.js";
import { appendLines, writeFileAtomic } from "./atomic-file.js";
import { withFileLock } from "./file-lock.js";
import { newRunId } from "./run-id.js";
import { runPaths, type RunPaths } from "./run-paths.js";
import type { LifecycleEvent } from "./lifecycle-event.js";
import { parseRunRecord } from "./record-migration.js";
import { reduceRun } from "./run-reducer.js";
import type { RunRegistryPort } from "./run-registry-port.js";
import { currentRecordSchema, type RunEvent, type RunRecord } from "./run-record.js";

export interface NewRun {
  name: string;
  description?: string;
  experiment_file?: string;
  configYaml: string;
  model: string;
  image: string;
  gpus_requested: number;
  labels?: Record<string, string>;
}

/**
 * The run registry: plain files under `<state>/runs/<id>/`. run.json is rewritten atomically
 * under a per-run lock (read-modify-write), events are appended with O_APPEND, so two tunectl
 * processes can work on the same run at once without losing an update.
 */
export class RunRegistry implements RunRegistryPort {
  readonly runsDir: string;

  constructor(
    stateDir: string,
    private readonly clock: Clock = systemClock,
  ) {
    this.runsDir = path.join(stateDir, "runs");
  }

  paths(id: string): RunPaths {
    return runPaths(this.runsDir, id);
  }

  async create(spec: NewRun): Promise<RunRecord> {
    await mkdir(this.runsDir, { recursive: true });
    for (;;) {
      const now = this.clock.now();
      const id = newRunId(spec.name, now);
      const paths = this.paths(id);
      try {
        await mkdir(paths.dir); // exclusive: two creators never share an id
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "EEXIST") continue;
        throw error;
      }
      await mkdir(paths.logs, { recursive: true });
      await mkdir(paths.checkpoints, { recursive: true });
      await writeFile(paths.config, spec.configYaml);
      const stamp = now.toISOString();
      const record: RunRecord = {
        schema: currentRecordSchema,
        id,
        name: spec.name,
        ...(spec.description === undefined ? {} : { description: spec.description }),
        ...(spec.experiment_file === undefined ? {} : { experiment_file: spec.experiment_file }),
        created_at: stamp,
        updated_at: stamp,
        state: "pending",
        model: spec.model,
        image: spec.image,
        gpus_requested: spec.gpus_requested,
        attempts: [{ n: 1, state: "pending", reason: "launch", created_at: stamp }],
        restarts: 0,
        ...(spec.labels === undefined ? {} : { labels: spec.labels }),
      };
      await writeFileAtomic(paths.record, `${JSON.stringify(record, null, 2)}\n`);
      await this.appendEvent(id, { type: "created", attempt: 1, message: `run ${id} created` });
      return record;
    }
  }

  async get(id: string): Promise<RunRecord> {
    let text: string;
    try {
      text = await readFile(this.paths(id).record, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") {
        throw new UserError(`no run ${id}`, {
          code: "run.not_found",
          hint: "list runs with `tunectl ps --all`",
        });
      }
      throw error;
    }
    return parseRunRecord(text, this.paths(id).record);
  }

  /** Every run, oldest first. Unreadable entries (a half-created dir) are skipped. */
  async list(): Promise<RunRecord[]> {
    let names: string[];
    try {
      names = await readdir(this.runsDir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
    const records = await Promise.all(
      names.map(async (name) => {
        try {
          const file = this.paths(name).record;
          return parseRunRecord(await readFile(file, "utf8"), file);
        } catch {
          return undefined;
        }
      }),
    );
    return records
      .filter((record): record is RunRecord => record !== undefined)
      .sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id));
  }

  /** Resolve what a person typed: a full id, a unique prefix, a run name (its latest run), `last` or `last~N`. */
  async resolve(ref: string): Promise<RunRecord> {
    const runs = await this.list();
    const back = /^last(?:~(\d+))?$/.exec(ref);
    if (back) {
      const run = runs[runs.length - 1 - Number(back[1] ?? 0)];
      if (!run)
        throw new UserError(`no run ${ref}: the registry has ${runs.length} run(s)`, {
          code: "run.not_found",
        });
      return run;
    }
    const exact = runs.find((run) => run.id === ref);
    if (exact) return exact;
    const named = runs.filter((run) => run.name === ref);
    if (named.length > 0) return named[named.length - 1]!;
    const matches = runs.filter((run) => run.id.startsWith(ref));
    if (matches.length === 1) return matches[0]!;
    if (matches.length === 0) {
      throw new UserError(`no run matches "${ref}"`, {
        code: "run.not_found",
        hint: "list runs with `tunectl ps --all`",
      });
    }
    throw new UserError(`"${ref}" matches ${matches.length} runs; give more of the id`, {
      code: "run.ambiguous",
      problems: matches.slice(0, 20).map((run) => ({ message: run.id })),
      data: { candidates: matches.map((run) => run.id) },
    });
  }

  /**
   * The one way a run changes: under the run's lock, read run.json, apply `event` through the
   * reducer (which refuses an illegal one with IllegalEventError / AttemptSupersededError),
   * write run.json atomically and append the event to events.jsonl. Returns the record as written.
   */
  async apply(id: string, event: LifecycleEvent, message?: string): Promise<RunRecord> {
    const paths = this.paths(id);
    return withFileLock(paths.lock, async () => {
      const run = await this.get(id);
      const now = this.clock.now().toISOString();
      const next = reduceRun(run, event, now);
      next.updated_at = now;
      await writeFileAtomic(paths.record, `${JSON.stringify(next, null, 2)}\n`);
      if (event.type !== "offsets_recorded") {
        const { type, attempt, ...payload } = event;
        await this.appendEvent(id, {
          type,
          attempt,
          message: message ?? (run.state === next.state ? type : `${run.state} -> ${next.state}`),
          data: { ...payload, from: run.state, to: next.state },
        });
      }
      return next;
    });
  }

  private async appendEvent(id: string, event: Omit<RunEvent, "ts">): Promise<void> {
    const line: RunEvent = { ts: this.clock.now().toISOString(), ...event };
    await appendLines(this.paths(id).events, [JSON.stringify(line)]);
  }

  async events(id: string): Promise<RunEvent[]> {
    const text = await readFile(this.paths(id).events, "utf8").catch(() => "");
    return text
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => JSON.parse(line) as RunEvent);
  }

  async configYaml(id: string): Promise<string> {
    return readFile(this.paths(id).config, "utf8");
  }
}
