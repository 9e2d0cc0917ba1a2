import type { RejectReason } from "./candidate.js";

/** How many candidates each rule dropped: the progress line and the histogram at the end. */
export class RejectionCounts {
  readonly rejections = new Map<RejectReason, number>();

  reject(reason: RejectReason): void {
    this.rejections.set(reason, (this.rejections.get(reason) ?? 0) + 1);
  }

  rejected(): number {
    let total = 0;
    for (const n of this.rejections.values()) total += n;
    return total;
  }
}
