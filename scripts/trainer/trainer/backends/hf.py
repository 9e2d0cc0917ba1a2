"""The backend: transformers AutoModelForCausalLM + PEFT LoRA, for hub ids, local models and builtin:tiny.

Rows are fed without an attention mask: position ids restart at 0 for every record (and for
the padding at a row's end), from which transformers builds a block-diagonal causal mask
(sdpa, eager, flex) or cu_seqlens (flash attention). So a packed row computes exactly what
its records would alone. Attention implementations outside that list get an explicit 4D mask.

A model on sdpa is switched to sdpa record by record (`segments.py`), and packed micro batches
reach it flattened (`packing.flatten`): one row without padding plus the record boundaries. sdpa
given a block-diagonal mask takes its masked path over the whole row, padding included; record
by record it computes each record's causal attention alone, which is what packing saves.
"""

from __future__ import annotations

import inspect
import json
import os
from typing import Any, Callable, Optional, Sequence

import torch

from ..config import TrainConfig
from ..packing import Batch, block_causal_mask
from . import segments
from .hf_load import import_hf, load_base
from .tiny_base import TINY

POSITION_PACKING = {"sdpa", "eager", "flex_attention", "flash_attention_2", "flash_attention_3"}
ADAPTER_INFO = "tunectl_adapter.json"


class HfTokenizer:
    def __init__(self, tokenizer: Any) -> None:
        self.inner = tokenizer
        self.eos_id: Optional[int] = tokenizer.eos_token_id
        bos = tokenizer.bos_token_id
        adds_bos = bos is not None and bos in tokenizer("", add_special_tokens=True)["input_ids"]
        self.bos_id: Optional[int] = bos if adds_bos else None
        pad = tokenizer.pad_token_id
        self.pad_id: int = pad if pad is not None else (self.eos_id if self.eos_id is not None else 0)

    def encode(self, text: str) -> list[int]:
        return list(self.inner(text, add_special_tokens=False)["input_ids"])

    def decode(self, ids: Sequence[int]) -> str:
        return str(self.inner.decode(list(ids), skip_special_tokens=True))

    def render_chat(self, messages: Sequence[dict[str, Any]], add_generation_prompt: bool) -> list[int]:
        if not messages and not add_generation_prompt:
            return []
        if not messages:  # transformers refuses an empty conversation; the template itself renders one
            from transformers.utils.chat_template_utils import render_jinja_template

            rendered, _ = render_jinja_template(
                conversations=[[]], chat_template=self.inner.get_chat_template(), add_generation_prompt=True,
                **self.inner.special_tokens_map,
            )
            return self.encode(rendered[0])
        out = self.inner.apply_chat_template(list(messages), tokenize=True, add_generation_prompt=add_generation_prompt)
        if isinstance(out, dict) or hasattr(out, "keys"):
            out = out["input_ids"]
        return list(out)


class HfBackend:
    name = "hf"
    supports_packing = True

    def __init__(self, model: Any, tokenizer: HfTokenizer, device: torch.device, info: dict[str, Any]) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.device = device
        self.info = info
        attn = getattr(model.config, "_attn_implementation", None) or "eager"
        self.explicit_mask = attn not in POSITION_PACKING and attn != segments.NAME
        # packed micro batches come flattened (`packing.flatten`) when attention runs record by record
        self.flat_packing = attn == segments.NAME
        forward = getattr(model, "get_base_model", lambda: model)().forward
        self.selects_logits = "logits_to_keep" in inspect.signature(forward).parameters

    @classmethod
    def create(cls, cfg: TrainConfig, log: Callable[[str], None], device: Optional[torch.device] = None) -> "HfBackend":
        _, peft = import_hf()
        m = cfg.model
        tokenizer, model = load_base(m.base, m.tiny, m.dtype, m.trust_remote_code, m.revision)
        if cfg.train.gradient_checkpointing:
            model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
            model.enable_input_require_grads()
        torch.manual_seed(cfg.train.seed)  # LoRA init follows the run's seed
        lora = peft.LoraConfig(
            r=cfg.lora.r, lora_alpha=cfg.lora.alpha, lora_dropout=cfg.lora.dropout,
            target_modules=list(cfg.lora.target_modules), bias=cfg.lora.bias, task_type="CAUSAL_LM",
        )
        try:
            model = peft.get_peft_model(model, lora)
        except ValueError as err:
            raise ValueError(f"lora.target_modules {list(cfg.lora.target_modules)} do not fit {m.base}: {err}") from err
        model.peft_config["default"].base_model_name_or_path = m.base
        if getattr(model.config, "_attn_implementation", None) == "sdpa" and model._can_set_attn_implementation():
            model.set_attn_implementation(segments.register())
        device = device or torch.device("cuda" if torch.cuda.is_available() else "cpu")
        model.to(device)
        if device.type == "cpu" and m.base == TINY and not os.environ.get("OMP_NUM_THREADS"):
            # the tiny model's matrices are too small for intra-op threads: they only spin (10x the CPU time)
            torch.set_num_threads(1)
        model.train()  # from step 1: dropout and gradient checkpointing are active only in train mode
        trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
        total = sum(p.numel() for p in model.parameters())
        log(f"model {m.base} ({m.dtype}) on {device}: {total} parameters, {trainable} trainable LoRA parameters")
        info = {
            "base": m.base, "revision": m.revision, "dtype": m.dtype,
            "trust_remote_code": m.trust_remote_code, "tiny": dict(m.tiny),
        }
        return cls(model, HfTokenizer(tokenizer), device, info)

    def forward_kwargs(self, batch: Batch) -> dict[str, Any]:
        if batch.cu_seqlens is not None:
            if not self.flat_packing:
                raise ValueError("a flattened batch needs record-by-record attention (sdpa)")
            cu = batch.cu_seqlens.to(self.device)
            longest = int((batch.cu_seqlens[1:] - batch.cu_seqlens[:-1]).max())
            return {
                "input_ids": batch.input_ids.to(self.device),
                "position_ids": batch.position_ids.to(self.device),
                # all ones: no padding, so no mask is built from the restarting positions
                "attention_mask": batch.attention_mask.to(self.device),
                "cu_seq_lens_q": cu, "cu_seq_lens_k": cu, "max_length_q": longest, "max_length_k": longest,
                "use_cache": False,
            }
        mask = None
        if self.explicit_mask:
            dtype = next(self.model.parameters()).dtype
            allowed = block_causal_mask(batch.segment_ids).to(self.device)
            mask = torch.zeros(allowed.shape, dtype=dtype, device=self.device).masked_fill(~allowed, torch.finfo(dtype).min)
        return {
            "input_ids": batch.input_ids.to(self.device),
            "position_ids": batch.position_ids.to(self.device),
            "attention_mask": mask,
            "use_cache": False,
        }

    def logits(self, batch: Batch, model: Any = None, positions: Optional[torch.Tensor] = None) -> torch.Tensor:
        """[B, L, V]; `model` is what to call (the DDP wrapper in training), default the PEFT model.

        `positions` (a flattened batch only; needs `selects_logits`): [1, len(positions), V], the
        logits at those positions alone, so the head is not run where nothing is learned.
        """
        kwargs = self.forward_kwargs(batch)
        if positions is not None:
            if batch.cu_seqlens is None or not self.selects_logits:
                raise ValueError("logits at chosen positions need a flattened batch and a model taking logits_to_keep")
            kwargs["logits_to_keep"] = positions.to(self.device)
        if batch.cu_seqlens is None:
            return (model or self.model)(**kwargs).logits
        before = segments.Calls.count
        logits = (model or self.model)(**kwargs).logits
        if segments.Calls.count == before:  # the boundaries never reached attention: records saw each other
            raise RuntimeError(f"{self.info['base']}: its attention layers ignore cu_seq_lens_q; a flattened packed batch cannot be trained")
        return logits

    def trainable_parameters(self) -> list[torch.nn.Parameter]:
        return [p for p in self.model.parameters() if p.requires_grad]

    def save_adapter(self, directory: str) -> None:
        self.model.save_pretrained(directory)
        readme = os.path.join(directory, "README.md")  # PEFT's model card template: noise in a checkpoint
        if os.path.exists(readme):
            os.remove(readme)
        with open(os.path.join(directory, ADAPTER_INFO), "w", encoding="utf-8") as handle:
            json.dump(self.info, handle, indent=2)

    def load_adapter(self, directory: str) -> None:
        """Refuse an adapter that does not fit: a missing or unexpected LoRA tensor, or another shape."""
        _, peft = import_hf()
        from peft.utils import load_peft_weights

        weights = load_peft_weights(directory, device=str(self.device))
        expected = set(peft.get_peft_model_state_dict(self.model).keys())
        missing, unexpected = sorted(expected - set(weights)), sorted(set(weights) - expected)
        if missing or unexpected:
            raise ValueError(
                f"adapter in {directory} does not fit this model and LoRA config "
                f"({len(missing)} tensors missing, e.g. {missing[:2]}; {len(unexpected)} unexpected, e.g. {unexpected[:2]})"
            )
        try:
            peft.set_peft_model_state_dict(self.model, weights)
        except RuntimeError as err:  # size mismatch
            raise ValueError(f"adapter in {directory} does not fit this model: {' '.join(str(err).split())[:300]}") from err
