import type { Conversation, Role, Turn } from "../example.js";
import { kindOf, type RecordFields } from "./record-fields.js";

/** Role names seen in the wild, mapped onto ours; a source's `roles:` adds to or overrides them. */
const knownRoles: Record<string, Role> = {
  system: "system",
  human: "user",
  user: "user",
  gpt: "assistant",
  assistant: "assistant",
  chatgpt: "assistant",
  bard: "assistant",
  bing: "assistant",
  model: "assistant",
};

export interface ConversationLayout {
  /** Record field holding the list of turns. */
  list: string;
  role: string;
  content: string;
}

export const sharegptLayout: ConversationLayout = {
  list: "conversations",
  role: "from",
  content: "value",
};
export const messagesLayout: ConversationLayout = {
  list: "messages",
  role: "role",
  content: "content",
};

/**
 * A list of turns (`sharegpt` or `messages`): optional system first, then user and assistant
 * alternating, starting with user and ending with assistant. Every problem names its turn.
 */
export function readConversation(
  fields: RecordFields,
  layout: ConversationLayout,
  roles: Record<string, string> = {},
): Conversation | undefined {
  const listName = fields.name(layout.list);
  const list = fields.raw(layout.list);
  if (!fields.object) return undefined;
  if (!Array.isArray(list)) {
    fields.problem(
      listName,
      list === undefined ? "missing" : `must be a list (got ${kindOf(list)})`,
    );
    return undefined;
  }
  const roleField = fields.name(layout.role);
  const contentField = fields.name(layout.content);
  let system: string | undefined;
  const turns: Turn[] = [];
  list.forEach((entry: unknown, i) => {
    const path = `${listName}[${i}]`;
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
      fields.problem(path, `must be an object (got ${kindOf(entry)})`);
      return;
    }
    const turn = entry as Record<string, unknown>;
    const roleName = fields.checkText(turn[roleField], `${path}.${roleField}`);
    if (roleName === undefined) return;
    const role = (roles[roleName] ?? knownRoles[roleName.toLowerCase()]) as Role | undefined;
    if (role !== "system" && role !== "user" && role !== "assistant") {
      fields.problem(
        `${path}.${roleField}`,
        `unknown role "${roleName}" (map it with roles: {${roleName}: user|assistant|system})`,
      );
      return;
    }
    const contentPath = `${path}.${contentField}`;
    const content = fields.checkText(
      turn[contentField],
      contentPath,
      role === "user" ? "empty user turn" : undefined,
    );
    if (content === undefined) return;
    if (role === "assistant" && content.trim() === "") fields.warn(contentPath, "empty output");
    if (role === "system") {
      if (i !== 0) fields.problem(`${path}.${roleField}`, "a system turn may only come first");
      else system = content;
      return;
    }
    const expected = turns.length % 2 === 0 ? "user" : "assistant";
    if (role !== expected) {
      fields.problem(
        `${path}.${roleField}`,
        `wrong role order: expected ${expected}, got ${roleName}`,
      );
      return;
    }
    turns.push({ role, content });
  });
  if (fields.problems.length) return undefined;
  if (turns.length === 0) {
    fields.problem(listName, "no user or assistant turns");
    return undefined;
  }
  if (turns.length % 2 === 1) {
    fields.problem(listName, "the conversation ends with a user turn (no answer to train on)");
    return undefined;
  }
  return { kind: "conversation", ...(system !== undefined ? { system } : {}), turns };
}
