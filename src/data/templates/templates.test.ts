import { describe, expect, it } from "vitest";
import type { Conversation } from "../example.js";
import { resolveTemplate } from "./template-registry.js";
import type { PromptTemplate } from "./prompt-template.js";

const chat: Conversation = {
  kind: "conversation",
  system: "Be brief.",
  turns: [
    { role: "user", content: "Hi" },
    { role: "assistant", content: "Hello!" },
    { role: "user", content: "Sum 2+2", input: "use digits" },
    { role: "assistant", content: "4" },
  ],
};

const render = (name: string, c: Conversation = chat) =>
  (resolveTemplate(name) as PromptTemplate).render(c);

describe("prompt templates", () => {
  it("chatml: each answer with <|im_end|> trained, the rest context", () => {
    expect(render("chatml")).toEqual([
      {
        text: "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n",
        train: false,
      },
      { text: "Hello!<|im_end|>", train: true },
      {
        text: "\n<|im_start|>user\nSum 2+2\n\nuse digits<|im_end|>\n<|im_start|>assistant\n",
        train: false,
      },
      { text: "4<|im_end|>", train: true },
      { text: "\n", train: false },
    ]);
  });

  it("llama3: headers, <|eot_id|> trained after each answer", () => {
    const h = (r: string) => `<|start_header_id|>${r}<|end_header_id|>\n\n`;
    expect(render("llama3")).toEqual([
      {
        text: `<|begin_of_text|>${h("system")}Be brief.<|eot_id|>${h("user")}Hi<|eot_id|>${h("assistant")}`,
        train: false,
      },
      { text: "Hello!<|eot_id|>", train: true },
      { text: `${h("user")}Sum 2+2\n\nuse digits<|eot_id|>${h("assistant")}`, train: false },
      { text: "4<|eot_id|>", train: true },
    ]);
  });

  it("vicuna: a record's system replaces the default sentence", () => {
    expect(
      render("vicuna")
        .map((s) => s.text)
        .join(""),
    ).toBe("Be brief. USER: Hi ASSISTANT: Hello!</s>USER: Sum 2+2\n\nuse digits ASSISTANT: 4</s>");
  });

  it("alpaca: later turns continue with instruction/response blocks", () => {
    expect(
      render("alpaca")
        .map((s) => s.text)
        .join(""),
    ).toBe(
      "Be brief.\n\n### Instruction:\nHi\n\n### Response:\nHello!\n\n### Instruction:\nSum 2+2\n\n### Input:\nuse digits\n\n### Response:\n4",
    );
  });

  it("user templates from YAML fill {system} and {content}", () => {
    const template = resolveTemplate("mine", {
      mine: {
        prefix: "<s>",
        system: "[SYS]{system}[/SYS]",
        default_system: "",
        user: "Q: {content}\nA: ",
        assistant: "{content}<end>",
        separator: "\n",
      },
    }) as PromptTemplate;
    expect(template.render(chat)).toEqual([
      { text: "<s>[SYS]Be brief.[/SYS]Q: Hi\nA: ", train: false },
      { text: "Hello!<end>", train: true },
      { text: "\nQ: Sum 2+2\n\nuse digits\nA: ", train: false },
      { text: "4<end>", train: true },
      { text: "\n", train: false },
    ]);
  });

  it("refuses a user template placeholder with no field", () => {
    const bad = {
      prefix: "",
      system: "{system}",
      default_system: "",
      user: "Q: {question}",
      assistant: "{content}",
      separator: "",
    };
    expect(() => resolveTemplate("mine", { mine: bad })).toThrow(
      expect.objectContaining({
        code: "data.bad_template",
        problems: expect.arrayContaining([
          expect.objectContaining({
            path: "data.templates.mine.user",
            message: "template placeholder {question} has no field",
          }),
        ]),
      }),
    );
  });

  it("names the nearest template for a misspelt one", () => {
    expect(() => resolveTemplate("chatlm")).toThrow(
      expect.objectContaining({
        code: "data.unknown_template",
        hint: expect.stringContaining("did you mean chatml?"),
      }),
    );
  });
});
