import type { Clock, Reporter } from "../report/index.js";
import { monitorReconnected, monitorUnreachable } from "./events.js";

/**
 * Whether a streamed host answers, as the streamer sees it: each failed pass reports
 * `monitor.unreachable` and the first one records the attempt's link as unreachable; the first
 * byte after that reports `monitor.reconnected` and records it reachable.
 */
export class StreamReachability {
  private since?: Date;

  constructor(
    private readonly options: {
      host: string;
      reporter: Reporter;
      clock: Clock;
      /** The attempt's link, recorded through the registry's reducer. */
      record(
        event: { type: "unreachable"; since: string; error: string } | { type: "reachable" },
      ): Promise<void>;
    },
  ) {}

  async unreachable(why: string): Promise<void> {
    const { host, clock } = this.options;
    const now = clock.now();
    const first = this.since === undefined;
    this.since ??= now;
    const seconds = Math.round((now.getTime() - this.since.getTime()) / 1000);
    monitorUnreachable.emit(
      this.options.reporter,
      `${host} unreachable for ${seconds} s, retrying`,
      { host, since: this.since.toISOString(), seconds, error: why },
    );
    if (first) {
      const since = this.since.toISOString();
      await this.options.record({ type: "unreachable", since, error: why }).catch(() => {});
    }
  }

  async reachable(): Promise<void> {
    if (this.since === undefined) return;
    const { host, clock } = this.options;
    const seconds = Math.round((clock.now().getTime() - this.since.getTime()) / 1000);
    this.since = undefined;
    monitorReconnected.emit(this.options.reporter, `${host} reachable again after ${seconds} s`, {
      host,
      seconds,
    });
    await this.options.record({ type: "reachable" }).catch(() => {});
  }
}
