import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { encodeRecord } from "./record-tokens.js";
import { tinyTokenizerFiles } from "./tiny-tokenizer.js";
import { TrainerTokenizer } from "./trainer-tokenizer.js";

const trainerPython =
  process.env.TUNECTL_TRAINER_PYTHON ??
  execFileSync("sh", ["scripts/trainer/venv.sh"], { encoding: "utf8" }).trim().split("\n").pop()!;

describe("builtin:tiny's tokenizer", () => {
  it("is the one the trainer's tiny_base.py builds, file for file", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "tunectl-tiny-tokenizer-"));
    execFileSync(
      trainerPython,
      [
        "-c",
        "import sys\nfrom trainer.backends.tiny_base import build_tokenizer\nbuild_tokenizer().save_pretrained(sys.argv[1])",
        dir,
      ],
      { env: { ...process.env, PYTHONPATH: path.resolve("scripts/trainer") }, stdio: "ignore" },
    );
    const read = (name: string) => readFileSync(path.join(dir, name), "utf8");
    const ours = tinyTokenizerFiles();
    expect(ours.tokenizer).toEqual(JSON.parse(read("tokenizer.json")));
    expect(ours.config).toEqual(JSON.parse(read("tokenizer_config.json")));
    expect(ours.chatTemplate).toBe(read("chat_template.jinja"));
  }, 120_000);

  it("adds <s> in front, ends with </s>, keeps special tokens whole and every other byte apart", () => {
    const files = tinyTokenizerFiles();
    const vocab = (files.tokenizer.model as { vocab: Record<string, number> }).vocab;
    const tok = new TrainerTokenizer(files);
    expect(tok.bosId).toBe(1);
    expect(tok.eosId).toBe(2);
    // é is the bytes c3 a9, GPT-2's symbols Ã and ©
    expect(tok.encode("a<|im_end|>é")).toEqual([vocab.a, 4, vocab["Ã"], vocab["©"]]);
    const record = {
      segments: [
        { text: "Q ", train: false },
        { text: "A", train: true },
      ],
    };
    expect(encodeRecord(tok, record, false)).toEqual({
      ids: [1, vocab.Q, vocab["Ġ"], vocab.A, 2],
      labelled: Uint8Array.from([0, 0, 0, 1, 1]),
    });
  });
});
