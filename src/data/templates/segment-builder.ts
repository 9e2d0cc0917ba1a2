import type { Segment } from "../example.js";
import { FixedText, jsonBody, splitsSurrogatePair } from "./json-text.js";

/**
 * Collects rendered text, merging neighbours with the same train flag and dropping empties.
 * Alongside each segment's text it keeps the segment's JSON-escaped form, so the JSONL line
 * reuses the escaped fixed text of the template instead of escaping every record's whole text.
 */
export class SegmentBuilder {
  readonly segments: Segment[] = [];
  private readonly bodies: string[] = [];

  context(text: string | FixedText): this {
    return this.add(text, false);
  }

  trained(text: string | FixedText): this {
    return this.add(text, true);
  }

  /** The segments as one JSONL line: the same bytes as JSON.stringify({ segments }). */
  line(): string {
    let out = '{"segments":[';
    for (let i = 0; i < this.segments.length; i++) {
      const train = (this.segments[i] as Segment).train;
      out += `${i ? "," : ""}{"text":"${this.bodies[i] as string}","train":${train}}`;
    }
    return `${out}]}`;
  }

  private add(piece: string | FixedText, train: boolean): this {
    const fixed = typeof piece !== "string";
    const text = fixed ? piece.text : piece;
    if (text === "") return this;
    const at = this.segments.length - 1;
    const last = this.segments[at];
    if (last && last.train === train) {
      this.bodies[at] = splitsSurrogatePair(last.text, text)
        ? jsonBody(last.text + text)
        : (this.bodies[at] as string) + (fixed ? piece.json : jsonBody(text));
      last.text += text;
    } else {
      this.segments.push({ text, train });
      this.bodies.push(fixed ? piece.json : jsonBody(text));
    }
    return this;
  }
}
