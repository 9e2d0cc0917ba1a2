import type { DatasetSource } from "../../config/index.js";
import type { Example, RawRecord, RecordProblem } from "../example.js";
import { readAlpaca } from "./alpaca-format.js";
import { messagesLayout, readConversation, sharegptLayout } from "./conversation-format.js";
import { RecordFields } from "./record-fields.js";
import { readCompletion, readSegments } from "./segment-formats.js";

export type ExampleOrProblems =
  | { example: Example; problems?: undefined; warnings: RecordProblem[] }
  | { example?: undefined; problems: RecordProblem[] };

export type ExampleReader = (record: RawRecord) => ExampleOrProblems;

/**
 * A function reading raw records of one source into examples, under its format and mappings.
 * Text-label sources are built from all their rows at once (text-label-scan.ts), not here.
 */
export function exampleReader(source: DatasetSource): ExampleReader {
  if (source.format === "text-label")
    throw new Error("text-label sources are read by scanTextLabel, not record by record");
  return (record) => {
    if (record.error !== undefined)
      return { problems: [{ where: record.where, message: record.error }] };
    const fields = new RecordFields(record.value, record.where, source.fields);
    let example: Example | undefined;
    switch (source.format) {
      case "alpaca":
        example = readAlpaca(fields);
        break;
      case "sharegpt":
        example = readConversation(fields, sharegptLayout, source.roles);
        break;
      case "messages":
        example = readConversation(fields, messagesLayout, source.roles);
        break;
      case "completion":
        example = readCompletion(fields);
        break;
      case "segments":
        example = readSegments(fields);
        break;
    }
    if (!example || fields.problems.length) {
      return {
        problems: fields.problems.length
          ? fields.problems
          : [{ where: record.where, message: "unreadable record" }],
      };
    }
    withSourceSystem(example, source);
    return { example, warnings: fields.warnings };
  };
}

/** The source's `system` prompt on a conversation that has none of its own. */
export function withSourceSystem(example: Example, source: DatasetSource): void {
  if (
    source.system !== undefined &&
    example.kind === "conversation" &&
    example.system === undefined
  )
    example.system = source.system;
}
