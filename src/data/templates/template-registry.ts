import { UserError } from "../../errors/index.js";
import { didYouMean } from "../closest-name.js";
import { alpacaTemplate } from "./alpaca-template.js";
import { chatmlTemplate } from "./chatml-template.js";
import { llama3Template } from "./llama3-template.js";
import type { PromptTemplate } from "./prompt-template.js";
import { userTemplate, userTemplateProblems, type UserTemplate } from "./user-template.js";
import { vicunaTemplate } from "./vicuna-template.js";

const builtins: Record<string, PromptTemplate> = {
  alpaca: alpacaTemplate,
  vicuna: vicunaTemplate,
  chatml: chatmlTemplate,
  llama3: llama3Template,
};

/** `tokenizer` leaves records as messages; the trainer applies the model's chat template. */
export const tokenizerTemplate = "tokenizer";

export const builtinTemplateNames = [...Object.keys(builtins), tokenizerTemplate];

/** The template for a name: a user template first (it may shadow a built-in), then built-ins. */
export function resolveTemplate(
  name: string,
  userTemplates: Record<string, UserTemplate> = {},
): PromptTemplate | typeof tokenizerTemplate {
  const own = userTemplates[name];
  if (own) {
    const problems = userTemplateProblems(name, own);
    if (problems.length) {
      throw new UserError(`template ${name} is not usable`, {
        code: "data.bad_template",
        problems,
      });
    }
    return userTemplate(name, own);
  }
  if (name === tokenizerTemplate) return tokenizerTemplate;
  const builtin = builtins[name];
  if (builtin) return builtin;
  const known = [...builtinTemplateNames, ...Object.keys(userTemplates)];
  throw new UserError(`unknown template "${name}"`, {
    code: "data.unknown_template",
    hint: `${didYouMean(name, known)}; or define it under data.templates`,
    problems: [{ path: "data.template", message: `unknown template "${name}"` }],
  });
}
