"""Model backends: `tiny` (plain PyTorch, CPU demos and tests) and `hf` (transformers + PEFT)."""

from __future__ import annotations

from typing import Callable

from ..config import TrainConfig
from .base import Backend


def build_backend(cfg: TrainConfig, log: Callable[[str], None]) -> Backend:
    if cfg.model.is_tiny:
        from .tiny import TinyBackend

        return TinyBackend.create(cfg, log)
    from .hf import HfBackend

    return HfBackend.create(cfg, log)
