import { InfraError, InterruptedError, UserError } from "../errors/index.js";
import type { Clock, Reporter } from "../report/index.js";
import type { ChatEndpoint } from "./chat-endpoint.js";
import { generateBudgetReached, generateRateLimited, generateRetry } from "./events.js";
import type { PlannedRequest, Stage } from "./recipe-stages.js";
import type { JournalEntry, RequestJournal } from "./request-journal.js";
import { afterFailure, rateLimitPauseMs, type RetrySettings } from "./retry-policy.js";
import type { GenerateSpec } from "./spec-schema.js";

export type StopReason = "max_cost_usd" | "max_tokens" | "max_requests";

export interface SchedulerDeps {
  spec: GenerateSpec;
  endpoint: ChatEndpoint;
  journal: RequestJournal;
  reporter: Reporter;
  clock: Clock;
  signal: AbortSignal;
  random?: () => number;
  /** Called after each answer is applied (the progress line). */
  onApplied(): void;
  /** How many records are kept now, for the budget event. */
  keptCount(): number;
}

/**
 * Runs stages with bounded concurrency. Spending is counted over the whole journal (what
 * this spec has cost so far, across runs); once a limit is reached no new request starts,
 * those in flight finish and are kept.
 */
export class RequestScheduler {
  private pausedUntil = 0;
  private sentThisRun = 0;
  stopped?: StopReason;

  constructor(private readonly deps: SchedulerDeps) {}

  spent(): { cost_usd: number; tokens: number; requests: number } {
    let cost_usd = 0;
    let tokens = 0;
    for (const entry of this.deps.journal.entries.values()) {
      cost_usd += entry.cost_usd;
      tokens += entry.usage.input_tokens + entry.usage.output_tokens;
    }
    return { cost_usd, tokens, requests: this.deps.journal.entries.size };
  }

  get sent(): number {
    return this.sentThisRun;
  }

  async run(stage: Stage): Promise<void> {
    const { journal, spec, signal } = this.deps;
    const done = new Map<number, JournalEntry>();
    // A request holds its slot (`inFlight`) until its answer is in; the journal write
    // (group-committed, request-journal.ts) happens after, so the next request does not wait
    // for a disk sync. `writing` holds every request until it is journaled, so it is never
    // smaller than `inFlight`.
    const inFlight = new Set<Promise<unknown>>();
    const writing = new Set<Promise<void>>();
    let next = 0;
    let applied = 0;
    let failure: unknown;
    const drain = () => {
      for (let entry = done.get(applied); entry; entry = done.get(applied)) {
        done.delete(applied);
        applied += 1;
        stage.apply(entry);
        this.deps.onApplied();
      }
    };
    const fill = () => {
      while (!failure && !signal.aborted && inFlight.size < spec.concurrency) {
        // (not yet applied: sent or being journaled, or journaled and waiting for an earlier one)
        if (!stage.wants(writing.size + done.size, next)) break;
        const index = next;
        const id = `${stage.name}-${index}`;
        const journaled = journal.entries.get(id);
        if (journaled) {
          next += 1;
          done.set(index, journaled);
          drain();
          continue;
        }
        const limit = this.limitReached();
        if (limit) {
          this.stop(limit);
          break;
        }
        next += 1;
        this.sentThisRun += 1;
        const planned = stage.plan(index);
        const answered = this.send(id, stage.name, index, planned);
        const slot: Promise<unknown> = answered
          .catch(() => undefined)
          .finally(() => inFlight.delete(slot));
        inFlight.add(slot);
        const written: Promise<void> = answered
          .then(async (entry) => {
            await journal.append(entry);
            done.set(index, entry);
          })
          .catch((error: unknown) => {
            failure ??= error;
          })
          .finally(() => writing.delete(written));
        writing.add(written);
      }
    };
    for (;;) {
      fill();
      if (writing.size === 0) break;
      await Promise.race([...inFlight, ...writing]);
      // Freed slots are refilled before the answers are applied (parsing, filters, dedup):
      // the endpoint is never kept waiting on this process's own work.
      fill();
      drain();
    }
    drain();
    if (failure) throw failure;
    if (signal.aborted) {
      throw new InterruptedError("interrupted: completed requests are in the journal", {
        code: "generate.interrupted",
        hint: "run the same command again to continue where it stopped",
      });
    }
  }

  private limitReached(): StopReason | undefined {
    const { budget, max_requests } = this.deps.spec;
    const spent = this.spent();
    if (budget.max_cost_usd !== undefined && spent.cost_usd >= budget.max_cost_usd)
      return "max_cost_usd";
    if (budget.max_tokens !== undefined && spent.tokens >= budget.max_tokens) return "max_tokens";
    if (max_requests !== undefined && spent.requests + this.inFlightCount() >= max_requests) {
      return "max_requests";
    }
    return undefined;
  }

  private inFlightNow = 0;
  private inFlightCount(): number {
    return this.inFlightNow;
  }

  private stop(limit: StopReason): void {
    if (this.stopped) return;
    this.stopped = limit;
    const spent = this.spent();
    generateBudgetReached.emit(
      this.deps.reporter,
      `${limit} reached ($${spent.cost_usd.toFixed(4)}, ${spent.tokens} tokens): no new request starts; those in flight finish`,
      { limit, cost_usd: spent.cost_usd, tokens: spent.tokens, records: this.deps.keptCount() },
    );
  }

  private async send(
    id: string,
    stage: string,
    index: number,
    planned: PlannedRequest,
  ): Promise<JournalEntry> {
    const { endpoint, spec, clock, signal, reporter } = this.deps;
    const retry: RetrySettings = spec.retry;
    this.inFlightNow += 1;
    try {
      for (let attempt = 1; ; attempt++) {
        const wait = this.pausedUntil - clock.now().getTime();
        if (wait > 0) await clock.sleep(wait, signal);
        if (signal.aborted)
          throw new InterruptedError("interrupted", { code: "generate.interrupted" });
        try {
          const answer = await endpoint.complete(
            { id, prompt: planned.prompt, sampling: planned.sampling },
            signal,
          );
          const pause = rateLimitPauseMs(answer.headers);
          if (pause) this.pause(pause, "x-ratelimit-*");
          const { input_per_1m_usd, output_per_1m_usd } = spec.pricing;
          return {
            id,
            stage,
            index,
            ...(answer.requestId ? { request_id: answer.requestId } : {}),
            seed_ids: planned.seed_ids,
            machine_indices: planned.machine_indices,
            content: answer.content,
            finish_reason: answer.finishReason,
            usage: answer.usage,
            cost_usd:
              (answer.usage.input_tokens * input_per_1m_usd +
                answer.usage.output_tokens * output_per_1m_usd) /
              1e6,
            attempts: attempt,
            ts: clock.now().toISOString(),
          };
        } catch (error) {
          if (signal.aborted)
            throw new InterruptedError("interrupted", { code: "generate.interrupted" });
          const outcome = afterFailure(error, attempt, retry, this.deps.random);
          if (!outcome.retry) throw refused(id, outcome.reason, error);
          if (attempt >= retry.max_attempts) {
            throw new InfraError(`${id}: gave up after ${attempt} tries (${outcome.reason})`, {
              code: "generate.endpoint_failed",
              hint: "the completed requests are in the journal: run the same command again to continue",
              cause: error,
            });
          }
          generateRetry.emit(
            reporter,
            `${id}: ${outcome.reason}; try ${attempt + 1} of ${retry.max_attempts} in ${(outcome.waitMs / 1000).toFixed(1)}s`,
            { request: id, attempt, reason: outcome.reason, wait_ms: outcome.waitMs },
          );
          if (outcome.shared) this.pause(outcome.waitMs, "Retry-After");
          else await clock.sleep(outcome.waitMs, signal);
        }
      }
    } finally {
      this.inFlightNow -= 1;
    }
  }

  /** Rate limits are per key, not per request: every request waits. */
  private pause(ms: number, source: string): void {
    const until = this.deps.clock.now().getTime() + ms;
    if (until <= this.pausedUntil) return;
    this.pausedUntil = until;
    generateRateLimited.emit(
      this.deps.reporter,
      `rate limited (${source}): waiting ${(ms / 1000).toFixed(1)}s`,
      {
        wait_ms: ms,
        source,
      },
    );
  }
}

function refused(id: string, reason: string, cause: unknown): Error {
  if (/^HTTP (401|403)/.test(reason)) {
    return new UserError(`${id}: the endpoint refused the key (${reason})`, {
      code: "generate.endpoint_refused",
      hint: "check endpoint.api_key_secret names a variable holding a valid key",
      cause,
    });
  }
  if (/^HTTP 4\d\d/.test(reason)) {
    return new UserError(`${id}: the endpoint refused the request (${reason})`, {
      code: "generate.request_refused",
      hint: "check endpoint.model and the recipe's sampling settings",
      cause,
    });
  }
  return new InfraError(`${id}: ${reason}`, { code: "generate.endpoint_failed", cause });
}
