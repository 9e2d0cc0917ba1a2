import { Template } from "@huggingface/jinja";
import { Tokenizer } from "@huggingface/tokenizers";

export type ChatMessage = { role: string; content: string };

/** A model's tokenizer files as the hub and `save_pretrained` lay them out. */
export interface TokenizerFiles {
  /** tokenizer.json */
  tokenizer: Record<string, unknown>;
  /** tokenizer_config.json (`{}` when the model has none) */
  config: Record<string, unknown>;
  /** chat_template.jinja, which newer transformers write beside the config */
  chatTemplate?: string;
}

const specialNames = ["bos_token", "eos_token", "unk_token", "pad_token"] as const;

function tokenText(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (
    value &&
    typeof value === "object" &&
    typeof (value as { content?: unknown }).content === "string"
  )
    return (value as { content: string }).content;
  return undefined;
}

/**
 * The tokenizer as the trainer's `HfTokenizer` (scripts/trainer/trainer/backends/hf.py) sees
 * it: text pieces encoded without special tokens, a BOS only when the tokenizer itself adds
 * one, the EOS of tokenizer_config.json, chat templates rendered by transformers' rules
 * (special tokens as template variables, then encoded without special tokens).
 */
export class TrainerTokenizer {
  readonly bosId: number | undefined;
  readonly eosId: number | undefined;
  private readonly inner: Tokenizer;
  private readonly template: Template | undefined;
  private readonly variables: Record<string, unknown>;

  constructor(files: TokenizerFiles) {
    this.inner = new Tokenizer(files.tokenizer, files.config);
    const config = files.config;
    this.variables = {};
    for (const name of specialNames) {
      const text = tokenText(config[name]);
      if (text !== undefined) this.variables[name] = text;
    }
    const extra = config.additional_special_tokens ?? config.extra_special_tokens;
    if (Array.isArray(extra)) this.variables.additional_special_tokens = extra.map(tokenText);
    const bos = this.idOf(this.variables.bos_token);
    this.bosId =
      bos !== undefined && this.inner.encode("", { add_special_tokens: true }).ids.includes(bos)
        ? bos
        : undefined;
    this.eosId = this.idOf(this.variables.eos_token);
    const source =
      typeof config.chat_template === "string" ? config.chat_template : files.chatTemplate;
    this.template = source === undefined ? undefined : new Template(source);
  }

  get hasChatTemplate(): boolean {
    return this.template !== undefined;
  }

  encode(text: string): number[] {
    return this.inner.encode(text, { add_special_tokens: false }).ids;
  }

  /** `apply_chat_template(messages, tokenize=True, add_generation_prompt=...)`. */
  renderChat(messages: ChatMessage[], addGenerationPrompt: boolean): number[] {
    if (messages.length === 0 && !addGenerationPrompt) return [];
    if (!this.template)
      throw new Error("the tokenizer has no chat_template (template: tokenizer needs one)");
    const text = this.template.render({
      ...this.variables,
      messages,
      add_generation_prompt: addGenerationPrompt,
    });
    return this.encode(text);
  }

  private idOf(token: unknown): number | undefined {
    return typeof token === "string" ? this.inner.token_to_id(token) : undefined;
  }
}
