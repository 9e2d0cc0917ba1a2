import type { Clock } from "./clock.js";

/**
 * A Clock for tests that never waits: `sleep` moves time forward by the amount asked and
 * returns on the next tick, so a poll loop with a two-minute grace runs in microseconds and a
 * test can still see the order of what happened. `advance` moves time by hand.
 */
export class ManualClock implements Clock {
  private ms: number;
  /** Every sleep asked for, in order (ms). */
  readonly sleeps: number[] = [];

  constructor(start: Date | string = "2026-01-01T00:00:00.000Z") {
    this.ms = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.ms);
  }

  advance(ms: number): void {
    this.ms += ms;
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    if (signal?.aborted) return;
    this.ms += ms;
    await new Promise((resolve) => setImmediate(resolve));
  }
}
