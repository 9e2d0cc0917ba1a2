"""/output/metrics.jsonl: append-only, one JSON object per line, flushed per line.

Each line carries `attempt` (TUNECTL_ATTEMPT), so a resumed run's raw file is unambiguous, and
leaves out what was not measured (a non-finite value, no eval yet) instead of writing null;
schemas/metric-line.schema.json is the shape.
"""

from __future__ import annotations

import json
import math
import os
import time
from typing import Any, Optional

from .contract import attempt_from_env


class MetricsWriter:
    def __init__(self, path: str) -> None:
        self.path = path
        self.attempt = attempt_from_env()
        ends_clean = True
        if os.path.exists(path) and os.path.getsize(path) > 0:
            with open(path, "rb") as handle:
                handle.seek(-1, os.SEEK_END)
                ends_clean = handle.read(1) == b"\n"
        self.handle = open(path, "a", encoding="utf-8")
        if not ends_clean:
            # a previous attempt died mid-line; never glue our first line onto it
            self.handle.write("\n")

    def write(self, kind: str, **fields: Any) -> dict[str, Any]:
        measured = {k: _clean(v) for k, v in fields.items()}
        line = {"ts": round(time.time(), 3), **{k: v for k, v in measured.items() if v is not None}}
        line.update(kind=kind, attempt=self.attempt)
        self.handle.write(json.dumps(line) + "\n")
        self.handle.flush()
        os.fsync(self.handle.fileno())
        return line

    def close(self) -> None:
        self.handle.close()


def _clean(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def rate(count: float, seconds: float) -> Optional[float]:
    return round(count / seconds, 1) if seconds > 0 else None
