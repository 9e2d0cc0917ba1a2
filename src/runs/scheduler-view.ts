import type { SchedulerView } from "./run-record.js";

/**
 * What a person reads after a live attempt's state when its scheduler says more than "it runs":
 * `PENDING: Resources`, `REQUEUED`, `SUSPENDED`. Nothing for RUNNING, or without a scheduler.
 */
export function schedulerNote(view: SchedulerView | null | undefined): string | undefined {
  if (!view || view.state === "RUNNING") return undefined;
  return view.reason ? `${view.state}: ${view.reason}` : view.state;
}
