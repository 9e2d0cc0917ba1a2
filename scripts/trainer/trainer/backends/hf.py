"""The `hf` backend: transformers AutoModelForCausalLM + PEFT LoRA. Imported only when used.

Kept thin on purpose: everything but building, calling and saving the model is shared with
the tiny backend and tested there. Packing is not offered here (a generic HF model cannot be
given a block-diagonal mask), so records are trained one per row and the log says so.
"""

from __future__ import annotations

import os
from typing import Any, Callable, Optional, Sequence

import torch

from ..config import TrainConfig
from ..packing import Batch
from .base import BackendUnavailable, ModelNotFound

DTYPES: dict[str, Any] = {
    "float32": torch.float32,
    "fp32": torch.float32,
    "bf16": torch.bfloat16,
    "bfloat16": torch.bfloat16,
    "fp16": torch.float16,
    "float16": torch.float16,
    "auto": "auto",
}


def import_hf() -> tuple[Any, Any]:
    try:
        import peft
        import transformers
    except ImportError as err:
        raise BackendUnavailable(
            f"the hf backend needs transformers and peft, which this image lacks ({err.name} missing); "
            "use the cuda image or model.base: builtin:tiny"
        ) from err
    return transformers, peft


def hf_token() -> Optional[str]:
    return os.environ.get("HF_TOKEN") or os.environ.get("HUGGING_FACE_HUB_TOKEN") or None


def load_pretrained(loader: Callable[..., Any], base: str, **kwargs: Any) -> Any:
    try:
        return loader(base, token=hf_token(), **kwargs)
    except OSError as err:
        # transformers raises OSError for unknown ids, missing local paths and gated repos
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise ModelNotFound(f"model '{base}' not found or not accessible: {first}") from err


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

    def render_chat(self, messages: Sequence[dict[str, Any]], add_generation_prompt: bool) -> list[int]:
        if not messages and not add_generation_prompt:
            return []
        out = self.inner.apply_chat_template(
            list(messages), tokenize=True, add_generation_prompt=add_generation_prompt
        )
        if isinstance(out, dict) or hasattr(out, "keys"):
            out = out["input_ids"]
        return list(out)


class HfBackend:
    name = "hf"
    supports_packing = False

    def __init__(self, model: Any, tokenizer: HfTokenizer, device: torch.device) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.device = device

    @classmethod
    def create(cls, cfg: TrainConfig, log: Callable[[str], None]) -> "HfBackend":
        base = cfg.model.base
        if base.startswith(("/", "./", "../", "~")) and not os.path.exists(os.path.expanduser(base)):
            raise ModelNotFound(f"model path '{base}' does not exist on this host")
        transformers, peft = import_hf()
        dtype = DTYPES.get(cfg.model.dtype)
        if dtype is None:
            raise ValueError(f"model.dtype '{cfg.model.dtype}' is not one of {', '.join(DTYPES)}")
        remote = cfg.model.trust_remote_code
        pinned = {"revision": cfg.model.revision} if cfg.model.revision else {}
        tokenizer = load_pretrained(transformers.AutoTokenizer.from_pretrained, cfg.model.base, trust_remote_code=remote, **pinned)
        model = load_pretrained(
            transformers.AutoModelForCausalLM.from_pretrained, cfg.model.base, torch_dtype=dtype, trust_remote_code=remote, **pinned
        )
        if cfg.train.gradient_checkpointing:
            model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
            model.config.use_cache = False
            model.enable_input_require_grads()
        lora = peft.LoraConfig(
            r=cfg.lora.r,
            lora_alpha=cfg.lora.alpha,
            lora_dropout=cfg.lora.dropout,
            target_modules=list(cfg.lora.target_modules),
            bias=cfg.lora.bias,
            task_type="CAUSAL_LM",
        )
        model = peft.get_peft_model(model, lora)
        device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
        model.to(device)
        trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
        log(f"hf model {cfg.model.base} ({cfg.model.dtype}) on {device}: {trainable} trainable LoRA parameters")
        return cls(model, HfTokenizer(tokenizer), device)

    def logits(self, batch: Batch) -> torch.Tensor:
        out = self.model(
            input_ids=batch.input_ids.to(self.device),
            attention_mask=batch.attention_mask.to(self.device),
            position_ids=batch.position_ids.to(self.device),
        )
        return out.logits

    def trainable_parameters(self) -> list[torch.nn.Parameter]:
        return [p for p in self.model.parameters() if p.requires_grad]

    def save_adapter(self, directory: str) -> None:
        self.model.save_pretrained(directory)

    def load_adapter(self, directory: str) -> None:
        _, peft = import_hf()
        from peft.utils import load_peft_weights

        peft.set_peft_model_state_dict(self.model, load_peft_weights(directory, device=str(self.device)))


def export_merged(checkpoint: str, out_dir: str, base: str, dtype: str) -> None:
    """Base model + adapter -> merged full weights (save_pretrained layout) and tokenizer."""
    transformers, peft = import_hf()
    torch_dtype = DTYPES.get(dtype, "auto")
    model = load_pretrained(transformers.AutoModelForCausalLM.from_pretrained, base, torch_dtype=torch_dtype)
    merged = peft.PeftModel.from_pretrained(model, checkpoint).merge_and_unload()
    merged.save_pretrained(out_dir)
    load_pretrained(transformers.AutoTokenizer.from_pretrained, base).save_pretrained(out_dir)
