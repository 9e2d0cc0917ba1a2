import type { DataConfig } from "../../config/index.js";
import type { Problem } from "../../errors/index.js";
import { promptTemplate, userText, type PromptTemplate } from "./prompt-template.js";

export type UserTemplate = DataConfig["templates"][string];

const placeholders: Record<string, string[]> = {
  prefix: [],
  system: ["system"],
  default_system: [],
  user: ["content"],
  assistant: ["content"],
  separator: [],
};

/** Problems of a user template: a missing required placeholder, or one no field fills. */
export function userTemplateProblems(name: string, template: UserTemplate): Problem[] {
  const problems: Problem[] = [];
  for (const [part, allowed] of Object.entries(placeholders)) {
    const text = template[part as keyof UserTemplate] ?? "";
    const path = `data.templates.${name}.${part}`;
    for (const match of text.matchAll(/\{([A-Za-z0-9_]+)\}/g)) {
      if (!allowed.includes(match[1] as string)) {
        problems.push({
          path,
          message: `template placeholder {${match[1]}} has no field`,
          expected: allowed.length ? allowed.map((a) => `{${a}}`).join(", ") : "no placeholders",
        });
      }
    }
    for (const required of allowed) {
      if (!text.includes(`{${required}}`) && !(part === "system" && text === "")) {
        problems.push({ path, message: `must contain {${required}}` });
      }
    }
  }
  return problems;
}

/** A template written in YAML: every piece is text with `{system}` or `{content}` filled in. */
export function userTemplate(name: string, template: UserTemplate): PromptTemplate {
  const fill = (text: string, key: string, value: string) => text.split(`{${key}}`).join(value);
  return promptTemplate(name, (conversation, out) => {
    out.context(template.prefix);
    const system = conversation.system ?? template.default_system;
    if (system) out.context(fill(template.system, "system", system));
    for (const turn of conversation.turns) {
      if (turn.role === "user")
        out.context(fill(template.user, "content", userText(turn.content, turn.input)));
      else
        out.trained(fill(template.assistant, "content", turn.content)).context(template.separator);
    }
  });
}
