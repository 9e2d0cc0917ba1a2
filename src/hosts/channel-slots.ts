/**
 * A counting semaphore for SSH channels: OpenSSH allows 10 sessions per connection
 * (MaxSessions), and a channel opened past that fails, so callers queue instead.
 */
export class ChannelSlots {
  private used = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  async acquire(): Promise<() => void> {
    if (this.used >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.used += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.used -= 1;
    };
  }
}
