import type { Segment } from "../example.js";

/** Collects rendered text, merging neighbours with the same train flag and dropping empties. */
export class SegmentBuilder {
  readonly segments: Segment[] = [];

  context(text: string): this {
    return this.add(text, false);
  }

  trained(text: string): this {
    return this.add(text, true);
  }

  private add(text: string, train: boolean): this {
    if (text === "") return this;
    const last = this.segments[this.segments.length - 1];
    if (last && last.train === train) last.text += text;
    else this.segments.push({ text, train });
    return this;
  }
}
