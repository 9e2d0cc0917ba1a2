"""status.json at exit, and the one-line cause of a failure."""

from __future__ import annotations

import os
import time
from typing import Any, Optional

from .checkpoint import write_json_atomic
from .contract import attempt_from_env


def describe_error(err: BaseException) -> str:
    """One line a person can act on; OOM and a missing model are named as such."""
    from .backends.base import BackendUnavailable, ModelNotFound

    text = " ".join(str(err).split())
    if isinstance(err, MemoryError):
        return "out of memory (host RAM): reduce micro_batch_size or max_seq_len"
    oom_type = getattr(getattr(__import__("torch"), "cuda", None), "OutOfMemoryError", None)
    if (oom_type is not None and isinstance(err, oom_type)) or "out of memory" in text.lower():
        return f"out of memory (GPU): reduce micro_batch_size or max_seq_len, or enable gradient_checkpointing ({text[:200]})"
    if isinstance(err, (ModelNotFound, BackendUnavailable)) or getattr(err, "code", None) == "trainer.diverged":
        return text
    from .config import ConfigError
    from .encode import DataError

    if isinstance(err, (ConfigError, DataError)):
        return text
    return f"{type(err).__name__}: {text}"[:500]


def write_status(output: str, state: str, step: int, error: Optional[str] = None, **extra: Any) -> None:
    """schemas/status.schema.json: `attempt` is TUNECTL_ATTEMPT as a number, whatever the caller passed."""
    status: dict[str, Any] = {"state": state, "step": step, "ts": round(time.time(), 3), **extra}
    try:
        status["attempt"] = attempt_from_env()
    except ValueError:  # a bad TUNECTL_ATTEMPT already failed the run; the status must still be written
        status.pop("attempt", None)
    if error is not None:
        status["error"] = error
    write_json_atomic(os.path.join(output, "status.json"), status)
