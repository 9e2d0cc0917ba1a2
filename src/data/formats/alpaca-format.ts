import type { Conversation, Turn } from "../example.js";
import type { RecordFields } from "./record-fields.js";

/** `{instruction, input?, output, system?}`: one user turn (with its input) and one answer. */
export function readAlpaca(fields: RecordFields): Conversation | undefined {
  const instruction = fields.text("instruction", { nonEmpty: "empty instruction" });
  const input = fields.optionalText("input");
  const output = fields.text("output", { warnIfEmpty: "empty output" });
  const system = fields.optionalText("system");
  if (instruction === undefined || output === undefined || fields.problems.length) return undefined;
  const user: Turn = { role: "user", content: instruction };
  if (input !== undefined && input !== "") user.input = input;
  return {
    kind: "conversation",
    ...(system ? { system } : {}),
    turns: [user, { role: "assistant", content: output }],
  };
}
