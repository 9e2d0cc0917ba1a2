"""The `tiny` backend: TinyGPT + LoRA + byte tokenizer, float32 on CPU (or CUDA if present)."""

from __future__ import annotations

import json
import os
from typing import Any, Callable

import torch

from ..config import TrainConfig
from ..packing import Batch, block_causal_mask
from .lora import inject_lora, lora_state_dict, merge_lora
from .tiny_model import TinyDims, TinyGPT, build_base
from .tiny_tokenizer import ByteTokenizer

ADAPTER_WEIGHTS = "adapter_model.bin"
ADAPTER_CONFIG = "adapter_config.json"


class TinyBackend:
    name = "tiny"
    supports_packing = True

    def __init__(self, model: TinyGPT, adapter_config: dict[str, Any], device: torch.device) -> None:
        self.model = model
        self.tokenizer = ByteTokenizer()
        self.adapter_config = adapter_config
        self.device = device

    @classmethod
    def create(cls, cfg: TrainConfig, log: Callable[[str], None]) -> "TinyBackend":
        dims = TinyDims.from_overrides(cfg.model.tiny)
        if cfg.model.dtype not in ("float32", "fp32", "auto"):
            log(f"tiny backend trains in float32 (model.dtype {cfg.model.dtype} ignored)")
        model = build_base(dims)
        torch.manual_seed(cfg.train.seed)  # LoRA init follows the run's seed
        lora = cfg.lora
        wrapped = inject_lora(model, lora.target_modules, lora.r, lora.alpha, lora.dropout)
        if not wrapped:
            raise ValueError(
                f"lora.target_modules {list(lora.target_modules)} match no module of the tiny model "
                "(q_proj, k_proj, v_proj, o_proj, up_proj, down_proj)"
            )
        model.gradient_checkpointing = cfg.train.gradient_checkpointing
        device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
        model.to(device)
        adapter_config = {
            "peft_type": "LORA",
            "task_type": "CAUSAL_LM",
            "base_model_name_or_path": "builtin:tiny",
            "r": lora.r,
            "lora_alpha": lora.alpha,
            "lora_dropout": lora.dropout,
            "target_modules": sorted(set(lora.target_modules)),
            "bias": lora.bias,  # the tiny model has no bias terms: every choice trains the same
            "tiny": dims.as_dict(),
        }
        trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
        total = sum(p.numel() for p in model.parameters())
        log(f"tiny model {dims.as_dict()}: {total} parameters, {trainable} trainable in {len(wrapped)} LoRA modules")
        return cls(model, adapter_config, device)

    def logits(self, batch: Batch) -> torch.Tensor:
        mask = block_causal_mask(batch.segment_ids).to(self.device)
        return self.model(batch.input_ids.to(self.device), batch.position_ids.to(self.device), mask)

    def trainable_parameters(self) -> list[torch.nn.Parameter]:
        return [p for p in self.model.parameters() if p.requires_grad]

    def save_adapter(self, directory: str) -> None:
        torch.save(lora_state_dict(self.model), os.path.join(directory, ADAPTER_WEIGHTS))
        with open(os.path.join(directory, ADAPTER_CONFIG), "w", encoding="utf-8") as handle:
            json.dump(self.adapter_config, handle, indent=2)

    def load_adapter(self, directory: str) -> None:
        state = torch.load(os.path.join(directory, ADAPTER_WEIGHTS), map_location=self.device)
        missing, unexpected = self.model.load_state_dict(state, strict=False)
        lora_missing = [k for k in missing if ".lora_" in k]
        if lora_missing or unexpected:
            raise ValueError(f"adapter in {directory} does not fit this model (missing {lora_missing[:3]}, unexpected {unexpected[:3]})")


def load_for_export(checkpoint: str) -> tuple[TinyGPT, dict[str, Any]]:
    with open(os.path.join(checkpoint, ADAPTER_CONFIG), encoding="utf-8") as handle:
        adapter_config = json.load(handle)
    model = build_base(TinyDims.from_overrides(adapter_config.get("tiny", {})))
    inject_lora(
        model,
        tuple(adapter_config["target_modules"]),
        int(adapter_config["r"]),
        float(adapter_config["lora_alpha"]),
        0.0,
    )
    state = torch.load(os.path.join(checkpoint, ADAPTER_WEIGHTS), map_location="cpu")
    model.load_state_dict(state, strict=False)
    return model, adapter_config


def merged_state(model: TinyGPT) -> dict[str, torch.Tensor]:
    merge_lora(model)
    return model.state_dict()
