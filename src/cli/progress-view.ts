import type { Progress } from "../report/index.js";

/**
 * The one rendering of a progress event, whichever command shows it:
 * `upload [########------------]  40%  3.2 MiB / 8.0 MiB  1.1 MiB/s  eta 5s` on a terminal
 * (the bar narrows, then goes, in narrow ones), the same without the bar off a terminal.
 */
export function renderProgress(progress: Progress, options: { width?: number } = {}): string {
  const share = progress.total > 0 ? Math.min(1, progress.done / progress.total) : 1;
  const percent = `${Math.floor(share * 100)}%`.padStart(4);
  const amount = `${formatAmount(progress.done, progress.unit)} / ${formatAmount(progress.total, progress.unit)}`;
  const tail = [
    percent,
    amount,
    ...(progress.rate !== undefined ? [`${formatAmount(progress.rate, progress.unit)}/s`] : []),
    ...(progress.eta_s !== undefined && share < 1 ? [`eta ${formatEta(progress.eta_s)}`] : []),
    ...(progress.detail ? [progress.detail] : []),
  ].join("  ");
  if (options.width === undefined) return `${progress.task} ${tail}`;
  // The bar's width depends on the terminal only, so it does not jump as the numbers change.
  const barWidth = Math.min(30, Math.floor((options.width - 1) * 0.3));
  if (barWidth < 5) return `${progress.task} ${tail}`;
  const filled = Math.round(share * barWidth);
  return `${progress.task} [${"#".repeat(filled)}${"-".repeat(barWidth - filled)}] ${tail}`;
}

export function formatAmount(n: number, unit: Progress["unit"]): string {
  return unit === "bytes" ? formatBytes(n) : String(Math.round(n));
}

export function formatBytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(unit ? 1 : 0)} ${units[unit]}`;
}

function formatEta(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
}

/**
 * Off a terminal a progress event is a line of its own, so not every one is printed: the
 * first, one each time another tenth is done, and the last.
 */
export class ProgressLines {
  private readonly seen = new Map<string, number>();

  shouldPrint(key: string, progress: Progress): boolean {
    const tenth =
      progress.total > 0 ? Math.floor(Math.min(1, progress.done / progress.total) * 10) : 10;
    if (this.seen.get(key) === tenth) return false;
    this.seen.set(key, tenth);
    return true;
  }
}
