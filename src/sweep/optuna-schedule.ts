import { cancelRun, type LaunchDeps } from "../launch/index.js";
import { readRunMetrics, type MetricLine, type RunRecord } from "../runs/index.js";
import { askTrial } from "./ask-trials.js";
import { sweepPruneFailed, sweepTrialAsked, sweepTrialPruned, sweepTrialTold } from "./events.js";
import type { LoadedSweep, SweepLoadOptions } from "./load-sweep.js";
import type { OptunaBridge, TrialOutcome } from "./optuna-bridge.js";
import { resolveAssignments } from "./resolve-trial.js";
import type { SweepRecord, SweepTrialEntry } from "./sweep-record.js";
import type { SweepRegistry } from "./sweep-registry.js";
import { finalMetric, latestTrialRuns, metricValue } from "./trial-runs.js";

/** Asks in a row that only repeat configurations the sweep has before it counts as used up. */
const maxRepeatAsks = 20;

/** A trial the scheduler may start, with what its launch needs. */
export interface ScheduledTrial {
  id: string;
  gpus: number;
  params: Record<string, unknown>;
}

/**
 * The random and tpe side of a sweep: configurations asked of Optuna as slots free up, each
 * configuration's result told when all its trials (one per seed) have ended, and with
 * early stopping each eval value reported to the study and the pruner's answer obeyed.
 */
export class OptunaSchedule {
  private entries: SweepTrialEntry[] = [];
  private readonly told = new Set<number>();
  private readonly pruning = new Set<string>();

  constructor(
    private readonly sweep: LoadedSweep,
    private readonly bridge: OptunaBridge,
    private readonly sweeps: SweepRegistry,
    private readonly deps: LaunchDeps,
    private readonly loadOptions: SweepLoadOptions,
  ) {}

  /**
   * From the record of an earlier pass: the trials that are finished (their configuration was
   * told, or their run succeeded) and those of configurations still open in the study, in the
   * order they were asked, to be taken up before anything new is asked.
   */
  async prepare(record: SweepRecord): Promise<{ finished: Set<string>; trials: ScheduledTrial[] }> {
    this.entries = [...record.trials];
    const study = new Map((await this.bridge.trials()).map((t) => [t.trial, t.state]));
    for (const [n, state] of study)
      if (state !== "running" && state !== "waiting") this.told.add(n);
    for (const n of new Set(this.entries.map((e) => e.optuna_trial))) {
      if (n !== undefined && !this.told.has(n)) await this.settle(n);
    }
    const latest = latestTrialRuns(this.sweep.id, await this.deps.registry.list());
    const finished = new Set<string>();
    for (const entry of this.entries) {
      const done =
        (entry.optuna_trial !== undefined && this.told.has(entry.optuna_trial)) ||
        latest.get(entry.id)?.state === "succeeded";
      if (done) finished.add(entry.id);
    }
    return { finished, trials: await this.scheduled(this.entries) };
  }

  /**
   * Ask Optuna for the next configuration and record its trials in the sweep. A configuration
   * the sweep already has (a sampler may ask one again over a discrete space) is told the
   * earlier one's result and asked past; none after many asks: the space is used up.
   */
  async more(): Promise<ScheduledTrial[]> {
    for (let tries = 0; tries < maxRepeatAsks; tries++) {
      const asked = await askTrial(this.sweep, this.bridge, this.loadOptions);
      const known = this.entries.filter((e) => asked.trials.some((t) => t.id === e.id));
      if (known.length > 0) {
        const latest = latestTrialRuns(this.sweep.id, await this.deps.registry.list());
        const earlier = await this.outcomeOf(known, latest);
        await this.bridge.tell(asked.optunaTrial, earlier ?? { state: "failed" });
        continue;
      }
      const added = asked.trials.map((trial) => ({
        id: trial.id,
        params: trial.params,
        optuna_trial: asked.optunaTrial,
      }));
      this.entries = (await this.sweeps.addTrials(this.sweep.id, added)).trials;
      sweepTrialAsked.emit(
        this.deps.reporter,
        `Optuna trial ${asked.optunaTrial}: ${added.map((t) => t.id).join(", ")}`,
        { sweep: this.sweep.id, optuna_trial: asked.optunaTrial, trials: added.map((t) => t.id) },
      );
      return asked.trials.map((trial) => ({
        id: trial.id,
        gpus: trial.experiment.resources.gpus,
        params: trial.params,
      }));
    }
    return [];
  }

  /** A trial's run ended: tell Optuna its configuration's result once every trial of it is in. */
  async ended(trialId: string): Promise<void> {
    const n = this.entries.find((e) => e.id === trialId)?.optuna_trial;
    if (n !== undefined && !this.told.has(n)) await this.settle(n);
  }

  /**
   * Early stopping: each value of the sweep's metric is reported to the study at its step and
   * the pruner asked; a pruned trial is marked so and its run cancelled the way `tunectl cancel`
   * does (the trainer checkpoints and stops).
   */
  onMetric(trialId: string, runId: string, line: MetricLine): void {
    const value = metricValue(line, this.sweep.spec.metric.name);
    const n = this.entries.find((e) => e.id === trialId)?.optuna_trial;
    if (!this.sweep.spec.early_stopping || value === undefined || n === undefined) return;
    if (this.pruning.has(trialId) || this.told.has(n)) return;
    void this.bridge
      .report(n, line.step, value)
      .then(async (prune) => {
        if (!prune || this.pruning.has(trialId)) return;
        this.pruning.add(trialId);
        this.entries = (await this.sweeps.markTrial(this.sweep.id, trialId, "pruned")).trials;
        sweepTrialPruned.emit(
          this.deps.reporter,
          `trial ${trialId} pruned at step ${line.step} (${this.sweep.spec.metric.name} ${value})`,
          { sweep: this.sweep.id, trial: trialId, run: runId, step: line.step, value },
        );
        await cancelRun(this.deps, runId);
      })
      .catch((error: Error) => {
        sweepPruneFailed.emit(this.deps.reporter, `${runId}: ${error.message}`, {
          sweep: this.sweep.id,
          run: runId,
          error: error.message,
        });
      });
  }

  /** Tell the configuration's result if every one of its trials has one. */
  private async settle(n: number): Promise<void> {
    const members = this.entries.filter((e) => e.optuna_trial === n);
    const latest = latestTrialRuns(this.sweep.id, await this.deps.registry.list());
    const outcome = await this.outcomeOf(members, latest);
    if (!outcome) return;
    await this.bridge.tell(n, outcome);
    this.told.add(n);
    const state = "value" in outcome ? "complete" : outcome.state;
    sweepTrialTold.emit(
      this.deps.reporter,
      `Optuna trial ${n}: ${state}${"value" in outcome ? ` ${outcome.value}` : ""}`,
      { sweep: this.sweep.id, optuna_trial: n, state, ...("value" in outcome ? outcome : {}) },
    );
  }

  /**
   * pruned if early stopping stopped one; failed if a run failed or succeeded without the
   * metric; the mean final metric once all succeeded; undecided (nothing told) while a run is
   * active or was cancelled or lost (a resume takes it up again).
   */
  private async outcomeOf(
    members: readonly SweepTrialEntry[],
    latest: ReadonlyMap<string, RunRecord>,
  ): Promise<TrialOutcome | undefined> {
    if (members.some((m) => m.outcome === "pruned")) {
      const run = latest.get(members.find((m) => m.outcome === "pruned")!.id);
      return run && (run.state === "running" || run.state === "stopping")
        ? undefined
        : { state: "pruned" };
    }
    const runs = members.map((m) => latest.get(m.id));
    if (runs.some((run) => run?.state === "failed")) return { state: "failed" };
    if (!runs.every((run) => run?.state === "succeeded")) return undefined;
    const values = await Promise.all(
      runs.map(async (run) =>
        finalMetric(
          await readRunMetrics(this.deps.registry.paths(run!.id).metrics),
          this.sweep.spec.metric.name,
        ),
      ),
    );
    if (values.some((v) => v === undefined)) return { state: "failed" };
    return { value: values.reduce<number>((sum, v) => sum + v!, 0) / values.length };
  }

  private async scheduled(entries: readonly SweepTrialEntry[]): Promise<ScheduledTrial[]> {
    if (entries.length === 0) return [];
    const resolved = await resolveAssignments(
      this.sweep.experimentFile,
      entries.map((e) =>
        Object.entries(e.params).map(([path, value]) => ({ path, value, from: [] })),
      ),
      this.loadOptions,
      () => ({ file: this.sweep.shown }),
    );
    const gpus = new Map(resolved.trials.map((t) => [t.id, t.experiment.resources.gpus]));
    return entries.map((e) => ({ id: e.id, gpus: gpus.get(e.id) ?? 0, params: e.params }));
  }
}
