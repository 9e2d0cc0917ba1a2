/** Exponential reconnect delays, capped: 0.5 s, 1 s, 2 s, 4 s, 5 s, 5 s, ... */
export class Backoff {
  private attempt = 0;

  constructor(private readonly limits: { initial: number; max: number }) {}

  next(): number {
    const delay = Math.min(this.limits.max, this.limits.initial * 2 ** this.attempt);
    this.attempt += 1;
    return delay;
  }

  reset(): void {
    this.attempt = 0;
  }
}
