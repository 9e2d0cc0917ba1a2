"""The model backend: transformers + PEFT for every base (a hub id, a local directory, builtin:tiny)."""

from __future__ import annotations

from typing import Callable, Optional

import torch

from ..config import TrainConfig
from .base import Backend


def build_backend(cfg: TrainConfig, log: Callable[[str], None], device: Optional[torch.device] = None) -> Backend:
    from .hf import HfBackend

    return HfBackend.create(cfg, log, device)
