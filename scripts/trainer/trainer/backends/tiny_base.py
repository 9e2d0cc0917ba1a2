"""`model.base: builtin:tiny`: a small Llama, random-initialised from a config, made without network.

The model and its byte-level tokenizer are written once to a local directory (keyed by their
settings and the transformers version) and then loaded through the same `from_pretrained`
path as a hub id or a local model directory. The weights are a fixed-seed init (`init_seed`,
not the run's seed), identical in every run, so a checkpoint's adapter fits wherever it is
resumed or exported.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from typing import Any, Callable

TINY = "builtin:tiny"
DEFAULTS = {"n_layer": 2, "n_head": 4, "n_embd": 64, "init_seed": 0}
SPECIALS = ["<pad>", "<s>", "</s>", "<|im_start|>", "<|im_end|>"]
CHATML = (
    "{{ bos_token }}{% for message in messages %}<|im_start|>{{ message['role'] }}\n{{ message['content'] }}<|im_end|>\n"
    "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)
VERSION = 2  # bump when the recipe below changes


def tiny_dims(overrides: dict[str, Any]) -> dict[str, int]:
    dims = {**DEFAULTS, **{k: int(v) for k, v in (overrides or {}).items() if k in DEFAULTS}}
    if dims["n_embd"] % dims["n_head"] or (dims["n_embd"] // dims["n_head"]) % 2:
        raise ValueError("model.tiny: n_embd / n_head must be an even integer")
    return dims


def cache_root() -> str:
    explicit = os.environ.get("TUNECTL_TINY_DIR")
    if explicit:
        return explicit
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "tunectl", "tiny")


def build_tokenizer() -> Any:
    """256 byte tokens (GPT-2 byte alphabet, no merges) after 5 special tokens; bos added on encode."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    alphabet = sorted(pre_tokenizers.ByteLevel.alphabet())
    vocab = {token: i for i, token in enumerate(SPECIALS + alphabet)}
    tok = Tokenizer(models.BPE(vocab=vocab, merges=[]))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)
    tok.decoder = decoders.ByteLevel()
    tok.post_processor = processors.TemplateProcessing(single="<s> $A", pair="<s> $A <s> $B", special_tokens=[("<s>", 1)])
    return PreTrainedTokenizerFast(
        tokenizer_object=tok, bos_token="<s>", eos_token="</s>", pad_token="<pad>",
        additional_special_tokens=SPECIALS[3:], chat_template=CHATML,
    )


def build_model(dims: dict[str, int], vocab_size: int) -> Any:
    import torch
    from transformers import GenerationConfig, LlamaConfig, LlamaForCausalLM

    config = LlamaConfig(
        vocab_size=(vocab_size + 7) // 8 * 8, hidden_size=dims["n_embd"], intermediate_size=4 * dims["n_embd"],
        num_hidden_layers=dims["n_layer"], num_attention_heads=dims["n_head"], num_key_value_heads=dims["n_head"],
        max_position_embeddings=4096, tie_word_embeddings=True, bos_token_id=1, eos_token_id=2, pad_token_id=0,
        attention_dropout=0.0, use_cache=False,
    )
    saved = torch.get_rng_state()
    try:
        torch.manual_seed(dims["init_seed"])
        model = LlamaForCausalLM(config)
        # Tied embeddings at std 1/sqrt(width): a random head at std 0.02 caps every logit near 0,
        # and tying lets attention copy a token's embedding into a prediction of that token.
        torch.nn.init.normal_(model.model.embed_tokens.weight, mean=0.0, std=dims["n_embd"] ** -0.5)
    finally:
        torch.set_rng_state(saved)
    # What `generate` and servers read: an assistant turn of the chat template ends with
    # <|im_end|>, so generation stops there as well as at </s> (as chat models' configs say), and
    # the KV cache is on (the config's use_cache=False is for training only).
    model.generation_config = GenerationConfig(
        bos_token_id=1, eos_token_id=[2, SPECIALS.index("<|im_end|>")], pad_token_id=0, use_cache=True,
    )
    return model


def publish_once(target: str, fill: Callable[[str], None]) -> str:
    """`target`, made on first use: `fill` writes a private directory, renamed into place whole."""
    if os.path.isfile(os.path.join(target, ".complete")):
        return target
    tmp = f"{target}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    fill(tmp)
    open(os.path.join(tmp, ".complete"), "w").close()
    try:
        os.rename(tmp, target)
    except OSError:  # another process made it first
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def materialize(overrides: dict[str, Any]) -> str:
    """The local directory holding the tiny model for these settings (made on first use)."""
    import transformers

    dims = tiny_dims(overrides)
    key = hashlib.sha256(json.dumps([VERSION, dims, transformers.__version__], sort_keys=True).encode()).hexdigest()[:12]

    def fill(tmp: str) -> None:
        tokenizer = build_tokenizer()
        build_model(dims, len(tokenizer)).save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
        with open(os.path.join(tmp, "tunectl_tiny.json"), "w", encoding="utf-8") as handle:
            json.dump({"version": VERSION, **dims}, handle)

    return publish_once(os.path.join(cache_root(), f"llama-{key}"), fill)
