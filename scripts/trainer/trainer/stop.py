"""SIGTERM/SIGINT ask for a graceful stop: the loop finishes the step, checkpoints, exits 75."""

from __future__ import annotations

import signal
from types import FrameType
from typing import Callable, Optional


class StopRequest:
    def __init__(self, log: Callable[[str], None]) -> None:
        self.requested: Optional[str] = None
        self.log = log

    def install(self) -> None:
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self._handle)

    def _handle(self, signum: int, _frame: Optional[FrameType]) -> None:
        if self.requested is None:
            self.requested = signal.Signals(signum).name
            self.log(f"{self.requested} received: finishing the current step, then checkpointing")

    def __bool__(self) -> bool:
        return self.requested is not None
