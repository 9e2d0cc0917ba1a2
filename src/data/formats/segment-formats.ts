import type { Segment, SegmentsExample } from "../example.js";
import { kindOf, type RecordFields } from "./record-fields.js";

/** `{text}`: plain text, all of it trained (continued pre-training style). */
export function readCompletion(fields: RecordFields): SegmentsExample | undefined {
  const text = fields.text("text", { nonEmpty: "empty text" });
  if (text === undefined) return undefined;
  return { kind: "segments", segments: [{ text, train: true }] };
}

/** `{segments: [{text, train}]}`: already rendered; checked and passed through. */
export function readSegments(fields: RecordFields): SegmentsExample | undefined {
  const name = fields.name("segments");
  const list = fields.raw("segments");
  if (!fields.object) return undefined;
  if (!Array.isArray(list)) {
    fields.problem(name, list === undefined ? "missing" : `must be a list (got ${kindOf(list)})`);
    return undefined;
  }
  const segments: Segment[] = [];
  list.forEach((entry: unknown, i) => {
    const path = `${name}[${i}]`;
    const segment = entry as Record<string, unknown> | null;
    if (typeof segment !== "object" || segment === null || Array.isArray(segment)) {
      fields.problem(path, `must be an object (got ${kindOf(entry)})`);
      return;
    }
    const text = fields.checkText(segment.text, `${path}.text`);
    if (typeof segment.train !== "boolean") {
      fields.problem(`${path}.train`, `must be true or false (got ${kindOf(segment.train)})`);
      return;
    }
    if (text !== undefined) segments.push({ text, train: segment.train });
  });
  if (fields.problems.length) return undefined;
  if (!segments.some((s) => s.train && s.text.trim() !== "")) {
    fields.problem(name, "empty output: no segment with train: true and text");
    return undefined;
  }
  return { kind: "segments", segments };
}
