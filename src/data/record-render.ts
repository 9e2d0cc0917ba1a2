import type { Conversation, Example, RecordMeta, Segment } from "./example.js";
import { jsonBody } from "./templates/json-text.js";
import { userText, type PromptTemplate } from "./templates/prompt-template.js";
import { SegmentBuilder } from "./templates/segment-builder.js";
import type { tokenizerTemplate } from "./templates/template-registry.js";

/** `meta` (text-label records only) says how the record was built; the trainer ignores it. */
export type RenderedRecord = (
  { segments: Segment[] } | { messages: Array<{ role: string; content: string }> }
) & { meta?: RecordMeta };

/** DESIGN.md's trainer contract: segments, or messages for `template: tokenizer`. */
export function renderExample(
  example: Example,
  template: PromptTemplate | typeof tokenizerTemplate,
): RenderedRecord {
  return renderRecord(example, template).rendered;
}

/** The rendered record and its JSONL line (without the newline). */
export function renderRecord(
  example: Example,
  template: PromptTemplate | typeof tokenizerTemplate,
): { rendered: RenderedRecord; line: string } {
  const meta = example.kind === "conversation" ? example.meta : undefined;
  if (example.kind === "segments" || template === "tokenizer") {
    const body = example.kind === "segments" ? { segments: example.segments } : asMessages(example);
    const rendered = meta ? { ...body, meta } : body;
    return { rendered, line: renderedLine(rendered) };
  }
  // The builder keeps the JSON form of the template's fixed text for the line.
  const out = new SegmentBuilder();
  template.write(example, out);
  if (!meta) return { rendered: { segments: out.segments }, line: out.line() };
  return {
    rendered: { segments: out.segments, meta },
    line: `${out.line().slice(0, -1)},"meta":${JSON.stringify(meta)}}`,
  };
}

function asMessages(example: Conversation): RenderedRecord {
  const messages: Array<{ role: string; content: string }> = [];
  if (example.system !== undefined) messages.push({ role: "system", content: example.system });
  for (const turn of example.turns) {
    messages.push({
      role: turn.role,
      content: turn.role === "user" ? userText(turn.content, turn.input) : turn.content,
    });
  }
  return { messages };
}

/**
 * The record as one JSONL line. Same bytes as JSON.stringify(record), built by hand for the
 * common segments case because rendering is dominated by serialisation.
 */
export function renderedLine(record: RenderedRecord): string {
  if (!("segments" in record) || record.meta) return JSON.stringify(record);
  let out = '{"segments":[';
  for (let i = 0; i < record.segments.length; i++) {
    const segment = record.segments[i] as Segment;
    out += `${i ? "," : ""}{"text":"${jsonBody(segment.text)}","train":${segment.train}}`;
  }
  return `${out}]}`;
}

/** Characters of context and of trained text in a rendered record. */
export function renderedLengths(record: RenderedRecord): { prompt: number; output: number } {
  let prompt = 0;
  let output = 0;
  if ("segments" in record) {
    for (const s of record.segments) {
      if (s.train) output += s.text.length;
      else prompt += s.text.length;
    }
  } else {
    for (const m of record.messages) {
      if (m.role === "assistant") output += m.content.length;
      else prompt += m.content.length;
    }
  }
  return { prompt, output };
}
