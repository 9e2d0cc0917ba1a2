"""`template: tokenizer`: records with messages, rendered by a real chat template (Llama 3's)."""

from __future__ import annotations

import os

from conftest import TRAINER_ROOT, Workspace, make_config
from trainer.backends.hf import HfTokenizer
from trainer.backends.tiny_base import build_model, build_tokenizer, tiny_dims
from trainer.encode import IGNORE, encode_messages

TEMPLATE = os.path.join(TRAINER_ROOT, "tests", "fixtures", "llama3_chat_template.jinja")
HEADERS = ["<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"]
CHAT = [
    {"role": "system", "content": "Be brief."},
    {"role": "user", "content": "Say hi"},
    {"role": "assistant", "content": "hi"},
    {"role": "user", "content": "Say bye"},
    {"role": "assistant", "content": "bye"},
]


def llama3_tokenizer():
    tok = build_tokenizer()
    tok.add_special_tokens({"additional_special_tokens": HEADERS})
    tok.chat_template = open(TEMPLATE, encoding="utf-8").read()
    return tok


def test_only_assistant_turns_and_their_end_are_learned() -> None:
    tok = HfTokenizer(llama3_tokenizer())
    example = encode_messages(tok, CHAT, train_on_inputs=False)
    text = tok.inner.decode(example.ids)
    assert text.startswith("<s><|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>")
    assert text.endswith("<|start_header_id|>assistant<|end_header_id|>\n\nbye<|eot_id|>")  # no trailing header
    learned = [i for i, label in zip(example.ids, example.labels) if label != IGNORE]
    assert tok.inner.decode(learned) == "hi<|eot_id|>bye<|eot_id|>"


def test_trainer_runs_a_local_model_directory_with_the_template(workspace: Workspace) -> None:
    tok = llama3_tokenizer()
    model_dir = os.path.join(workspace.root, "model")
    build_model(tiny_dims({"n_layer": 1, "n_head": 2, "n_embd": 32}), len(tok)).save_pretrained(model_dir)
    tok.save_pretrained(model_dir)
    cfg = make_config(model={"base": model_dir}, data={"template": "tokenizer"}, train={"max_steps": 2, "save_steps": 2})
    done = workspace.setup(cfg, [{"messages": CHAT}] * 6).run()
    assert done.returncode == 0, done.stdout + done.stderr
    assert [m["step"] for m in workspace.metrics("train")] == [1, 2]
