"""Small builders shared by the in-process tests: the builtin tiny tokenizer and backend."""

from __future__ import annotations

from conftest import make_config
from trainer.backends.hf import HfBackend, HfTokenizer
from trainer.backends.tiny_base import build_tokenizer
from trainer.config import parse_config

TOK = HfTokenizer(build_tokenizer())
BOS, EOS, PAD = TOK.bos_id, TOK.eos_id, TOK.pad_id
IM_START, IM_END = TOK.inner.convert_tokens_to_ids(["<|im_start|>", "<|im_end|>"])


def tiny_backend(**sections: dict) -> HfBackend:
    return HfBackend.create(parse_config(make_config(**sections)), lambda _m: None)
