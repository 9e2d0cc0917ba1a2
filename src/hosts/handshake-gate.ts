/**
 * Bounds SSH handshakes in flight. sshd drops unauthenticated connections beyond MaxStartups
 * (10 by default, and random early drops from 10:30:100), so a fan-out over many hosts, or many
 * hosts behind one jump host, must not start them all at once: at most `perDestination` to one
 * address:port, and `total` overall.
 */
export class HandshakeGate {
  private running = 0;
  private readonly perKey = new Map<string, number>();
  private readonly waiting: Array<{ key: string; start: () => void }> = [];

  constructor(
    private readonly total = 32,
    private readonly perDestination = 8,
  ) {}

  async run<T>(destination: string, body: () => Promise<T>): Promise<T> {
    await new Promise<void>((start) => {
      this.waiting.push({ key: destination, start });
      this.pump();
    });
    try {
      return await body();
    } finally {
      this.running -= 1;
      const left = (this.perKey.get(destination) ?? 1) - 1;
      if (left === 0) this.perKey.delete(destination);
      else this.perKey.set(destination, left);
      this.pump();
    }
  }

  /** Handshakes in flight now (for tests). */
  inFlight(destination?: string): number {
    return destination === undefined ? this.running : (this.perKey.get(destination) ?? 0);
  }

  private pump(): void {
    for (let i = 0; i < this.waiting.length && this.running < this.total;) {
      const next = this.waiting[i]!;
      if ((this.perKey.get(next.key) ?? 0) >= this.perDestination) {
        i += 1;
        continue;
      }
      this.waiting.splice(i, 1);
      this.running += 1;
      this.perKey.set(next.key, (this.perKey.get(next.key) ?? 0) + 1);
      next.start();
    }
  }
}

/** One gate for the whole process: every pool and every probe shares sshd's limits. */
export const handshakeGate = new HandshakeGate();
