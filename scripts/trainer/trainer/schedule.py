"""Learning-rate schedules with linear warmup, as a pure function of the optimizer step."""

from __future__ import annotations

import math


def lr_at(step: int, base_lr: float, name: str, warmup: int, total: int) -> float:
    """lr for optimizer step `step` (1-based)."""
    if warmup > 0 and step <= warmup:
        return base_lr * step / warmup
    if name == "constant":
        return base_lr
    span = max(1, total - warmup)
    progress = min(1.0, max(0.0, (step - warmup) / span))
    if name == "linear":
        return base_lr * (1.0 - progress)
    return base_lr * 0.5 * (1.0 + math.cos(math.pi * progress))
