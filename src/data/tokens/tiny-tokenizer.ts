import type { TokenizerFiles } from "./trainer-tokenizer.js";

/**
 * The tokenizer of `model.base: builtin:tiny`, the same files the trainer's
 * backends/tiny_base.py `build_tokenizer()` saves (tiny-tokenizer.test.ts compares them): five
 * special tokens, then the 256 byte symbols of GPT-2's byte-level alphabet in sorted order, no
 * merges, `<s>` added in front of every text.
 */
const specials = ["<pad>", "<s>", "</s>", "<|im_start|>", "<|im_end|>"];

const chatml =
  "{{ bos_token }}{% for message in messages %}<|im_start|>{{ message['role'] }}\n{{ message['content'] }}<|im_end|>\n" +
  "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}";

/** GPT-2's bytes_to_unicode(): printable bytes stand for themselves, the rest move past 255. */
function byteAlphabet(): string[] {
  const printable = (b: number) =>
    (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  const symbols: string[] = [];
  let shifted = 0;
  for (let b = 0; b < 256; b++)
    symbols.push(String.fromCodePoint(printable(b) ? b : 256 + shifted++));
  // Python sorts by code point; so must we (not by UTF-16 units, the same here: all < 0x10000)
  return symbols.sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);
}

export function tinyTokenizerFiles(): TokenizerFiles {
  const vocab: Record<string, number> = {};
  [...specials, ...byteAlphabet()].forEach((token, id) => (vocab[token] = id));
  const added = specials.map((content, id) => ({
    id,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  }));
  const tokenizer = {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: null,
    pre_tokenizer: {
      type: "ByteLevel",
      add_prefix_space: false,
      trim_offsets: true,
      use_regex: false,
    },
    post_processor: {
      type: "TemplateProcessing",
      single: [{ SpecialToken: { id: "<s>", type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }],
      pair: [
        { SpecialToken: { id: "<s>", type_id: 0 } },
        { Sequence: { id: "A", type_id: 0 } },
        { SpecialToken: { id: "<s>", type_id: 0 } },
        { Sequence: { id: "B", type_id: 0 } },
      ],
      special_tokens: { "<s>": { id: "<s>", ids: [1], tokens: ["<s>"] } },
    },
    decoder: { type: "ByteLevel", add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: "BPE",
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges: [],
    },
  };
  // transformers 5's save_pretrained: the template beside the config, not in it
  const config = {
    backend: "tokenizers",
    bos_token: "<s>",
    eos_token: "</s>",
    extra_special_tokens: specials.slice(3),
    model_max_length: 1e30,
    pad_token: "<pad>",
    tokenizer_class: "TokenizersBackend",
  };
  return { tokenizer, config, chatTemplate: chatml };
}
