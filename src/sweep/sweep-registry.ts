import { mkdir, readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { UserError } from "../errors/index.js";
import { systemClock, type Clock } from "../report/index.js";
import { withFileLock, writeFileAtomic } from "../runs/index.js";
import type { LoadedSweep } from "./load-sweep.js";
import { sweepRecordSchema, type SweepRecord, type SweepTrialEntry } from "./sweep-record.js";

/**
 * Sweeps on disk: `<state>/sweeps/<sweep-id>/sweep.json`, read-modify-written under a lock
 * and replaced atomically, so several tunectl processes on one workspace never lose a trial.
 * The trials' runs are ordinary runs in the run registry, labelled `sweep` and `trial`.
 */
export class SweepRegistry {
  readonly sweepsDir: string;

  constructor(
    stateDir: string,
    private readonly clock: Clock = systemClock,
  ) {
    this.sweepsDir = path.join(stateDir, "sweeps");
  }

  dir(id: string): string {
    return path.join(this.sweepsDir, id);
  }

  /** Optuna's study for random and tpe sweeps. */
  journal(id: string): string {
    return path.join(this.dir(id), "optuna.journal");
  }

  /** Create the sweep, or bring an existing one up to date with the spec; keeps every trial. */
  async register(sweep: LoadedSweep): Promise<SweepRecord> {
    await mkdir(this.dir(sweep.id), { recursive: true });
    return this.update(sweep.id, (existing) => {
      const now = this.clock.now().toISOString();
      const base: SweepRecord = existing ?? {
        schema: 1,
        id: sweep.id,
        name: sweep.name,
        spec_file: sweep.specFile,
        experiment_file: sweep.experimentFile,
        method: sweep.spec.method,
        metric: sweep.spec.metric,
        budget: {},
        created_at: now,
        updated_at: now,
        trials: [],
      };
      const planned = sweep.trials.map((trial) => ({ id: trial.id, params: trial.params }));
      return {
        ...base,
        spec_file: sweep.specFile,
        budget: sweep.spec.budget,
        trials: mergeTrials(base.trials, planned),
      };
    });
  }

  /** Record trials asked as the sweep runs (random, tpe). */
  async addTrials(id: string, trials: SweepTrialEntry[]): Promise<SweepRecord> {
    return this.update(id, (existing) => {
      if (!existing) throw notFound(id);
      return { ...existing, trials: mergeTrials(existing.trials, trials) };
    });
  }

  /** Mark a trial's outcome (pruned by early stopping). */
  async markTrial(id: string, trial: string, outcome: "pruned"): Promise<SweepRecord> {
    return this.update(id, (existing) => {
      if (!existing) throw notFound(id);
      return {
        ...existing,
        trials: existing.trials.map((t) => (t.id === trial ? { ...t, outcome } : t)),
      };
    });
  }

  /** `tunectl sweep cancel` marks the sweep cancelled; `sweep resume` opens it again. */
  async setCancelled(id: string, cancelled: boolean): Promise<SweepRecord> {
    return this.update(id, (existing) => {
      if (!existing) throw notFound(id);
      const { state: _state, ...rest } = existing;
      return cancelled ? { ...rest, state: "cancelled" } : rest;
    });
  }

  /** The lock a scheduler (sweep run, sweep resume) holds while it starts the sweep's trials. */
  schedulerLock(id: string): string {
    return path.join(this.dir(id), "scheduler.lock");
  }

  async get(id: string): Promise<SweepRecord> {
    const record = await this.read(id);
    if (!record) throw notFound(id);
    return record;
  }

  /** Every sweep, oldest first. */
  async list(): Promise<SweepRecord[]> {
    const names = await readdir(this.sweepsDir).catch(() => [] as string[]);
    const records = await Promise.all(names.map((name) => this.read(name)));
    return records
      .filter((r): r is SweepRecord => r !== undefined)
      .sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id));
  }

  /** A sweep by id, unique prefix, or name (the latest of that name); none: the latest sweep. */
  async resolve(ref: string | undefined): Promise<SweepRecord> {
    const all = await this.list();
    if (ref === undefined) {
      const latest = all[all.length - 1];
      if (!latest) {
        throw new UserError("no sweeps in this workspace", {
          code: "sweep.not_found",
          hint: "tunectl sweep SPEC registers one",
        });
      }
      return latest;
    }
    const exact = all.find((r) => r.id === ref);
    if (exact) return exact;
    const named = all.filter((r) => r.name === ref);
    if (named.length > 0) return named[named.length - 1]!;
    const prefixed = all.filter((r) => r.id.startsWith(ref));
    if (prefixed.length === 1) return prefixed[0]!;
    if (prefixed.length > 1) {
      throw new UserError(`sweep "${ref}" is ambiguous: ${prefixed.map((r) => r.id).join(", ")}`, {
        code: "sweep.ambiguous",
        hint: "give more of the id",
      });
    }
    throw notFound(ref);
  }

  private async update(
    id: string,
    change: (existing: SweepRecord | undefined) => SweepRecord,
  ): Promise<SweepRecord> {
    return withFileLock(path.join(this.dir(id), ".sweep.lock"), async () => {
      const next = change(await this.read(id));
      const record = { ...next, updated_at: this.clock.now().toISOString() };
      await writeFileAtomic(
        path.join(this.dir(id), "sweep.json"),
        `${JSON.stringify(record, null, 2)}\n`,
      );
      return record;
    });
  }

  private async read(id: string): Promise<SweepRecord | undefined> {
    let text: string;
    try {
      text = await readFile(path.join(this.dir(id), "sweep.json"), "utf8");
    } catch {
      return undefined;
    }
    let parsed;
    try {
      parsed = sweepRecordSchema.safeParse(JSON.parse(text));
    } catch {
      parsed = undefined;
    }
    if (parsed?.success) return parsed.data;
    throw new UserError(`${path.join(this.dir(id), "sweep.json")} is not a sweep record`, {
      code: "sweep.record_invalid",
      hint: "it is rewritten whole by tunectl sweep SPEC; remove it to register the sweep again",
    });
  }
}

function mergeTrials(kept: SweepTrialEntry[], added: SweepTrialEntry[]): SweepTrialEntry[] {
  const known = new Set(kept.map((t) => t.id));
  return [...kept, ...added.filter((t) => !known.has(t.id))];
}

function notFound(ref: string): UserError {
  return new UserError(`no sweep "${ref}" in this workspace`, {
    code: "sweep.not_found",
    hint: "tunectl sweep status lists the latest sweep; sweeps live under .tunectl/sweeps/",
  });
}
