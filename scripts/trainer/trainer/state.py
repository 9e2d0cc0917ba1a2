"""What a checkpoint holds besides the adapter: optimizer, schedule, RNG states, progress."""

from __future__ import annotations

import json
import os
import random
from dataclasses import asdict, dataclass
from typing import Any, Optional

import torch

from .checkpoint import finite

STATE_FILE = "trainer_state.pt"
STATE_JSON = "trainer_state.json"


@dataclass
class Progress:
    step: int = 0
    tokens: int = 0
    first_loss: Optional[float] = None
    last_loss: Optional[float] = None
    last_eval_loss: Optional[float] = None
    best_eval_loss: Optional[float] = None
    best_eval_step: Optional[int] = None


def rng_state() -> dict[str, Any]:
    state: dict[str, Any] = {"python": random.getstate(), "torch": torch.get_rng_state()}
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def restore_rng(state: dict[str, Any]) -> None:
    random.setstate(state["python"])
    torch.set_rng_state(state["torch"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


def save_state(
    directory: str, optimizer: torch.optim.Optimizer, progress: Progress, schedule: dict[str, Any], position: dict[str, Any],
    rngs: Optional[list[dict[str, Any]]] = None,
) -> None:
    """`rngs`: every process's RNG state, rank order (one process: just this one's)."""
    rngs = rngs or [rng_state()]
    torch.save(
        {"optimizer": optimizer.state_dict(), "rng": rngs[0], "rng_ranks": rngs, "progress": asdict(progress), "scheduler": schedule},
        os.path.join(directory, STATE_FILE),
    )
    readable = {"progress": asdict(progress), "scheduler": schedule, "data_position": position}
    with open(os.path.join(directory, STATE_JSON), "w", encoding="utf-8") as handle:
        json.dump(finite(readable), handle, indent=2, allow_nan=False)


def load_state(directory: str, optimizer: torch.optim.Optimizer, rank: int = 0) -> Progress:
    state = torch.load(os.path.join(directory, STATE_FILE), map_location="cpu", weights_only=False)
    optimizer.load_state_dict(state["optimizer"])
    ranks = state.get("rng_ranks") or [state["rng"]]
    if rank >= len(ranks):
        raise ValueError(f"checkpoint {directory} was saved by {len(ranks)} processes; this run has more")
    restore_rng(ranks[rank])
    return Progress(**state["progress"])
