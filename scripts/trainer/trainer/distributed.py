"""Several processes on one host (torchrun, DDP): who does what, and the few collectives used.

Semantics with N processes: step s trains the micro batches the plan gives for a micro batch
of `micro_batch_size * N` rows; process r takes rows r, r+N, ... of each. The loss is the
token mean over all processes' learned tokens, and the gradient is that of the same global
batch in one process: each process backpropagates its loss sum divided by the global
learned-token count, times N (DDP averages). Rank 0 alone writes metrics, generations,
checkpoints and status.json; every rank's RNG state is saved so a resume is exact.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from typing import Any, Optional

import torch


@dataclass(frozen=True)
class Ranks:
    rank: int = 0
    world: int = 1
    local_rank: int = 0

    @property
    def main(self) -> bool:
        return self.rank == 0

    @property
    def active(self) -> bool:
        return self.world > 1

    def device(self) -> Optional[torch.device]:
        if self.active and torch.cuda.is_available():
            torch.cuda.set_device(self.local_rank)
            return torch.device("cuda", self.local_rank)
        return None

    def sum(self, *values: float) -> list[float]:
        if not self.active:
            return list(values)
        tensor = torch.tensor(values, dtype=torch.float64)
        if torch.distributed.get_backend() == "nccl":
            tensor = tensor.cuda()
        torch.distributed.all_reduce(tensor)
        return tensor.cpu().tolist()

    def gather(self, value: Any) -> list[Any]:
        if not self.active:
            return [value]
        out: list[Any] = [None] * self.world
        torch.distributed.all_gather_object(out, value)
        return out

    def barrier(self) -> None:
        if self.active:
            torch.distributed.barrier()


def init_ranks() -> Ranks:
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if world <= 1:
        return Ranks()
    backend = "nccl" if torch.cuda.is_available() else "gloo"
    torch.distributed.init_process_group(backend)
    return Ranks(int(os.environ["RANK"]), world, int(os.environ.get("LOCAL_RANK", "0")))


def nproc_requested() -> int:
    return int(os.environ.get("TUNECTL_NPROC") or "1")


def run_under_torchrun(argv: list[str], nproc: int) -> int:
    """The outer process: torchrun runs the workers; the exit code comes from rank 0's status.json.

    torchrun reports any non-zero worker exit as its own failure, so the contract's exit codes
    (0 succeeded, 75 stopped, 1 failed) are taken from status.json; SIGTERM is passed on.
    """
    import json
    import signal

    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", f"--nproc_per_node={nproc}", "-m", "trainer", *argv]
    env = {**os.environ, "TUNECTL_NPROC": "1"}
    output = argv[argv.index("--output") + 1] if "--output" in argv else "/output"
    status = os.path.join(output, "status.json")
    if os.path.exists(status):
        os.remove(status)  # a previous attempt's; rank 0 writes this attempt's
    proc = subprocess.Popen(cmd, env=env)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda signum, _f: proc.send_signal(signum))
    code = proc.wait()
    try:
        with open(status, encoding="utf-8") as handle:
            state = json.load(handle).get("state")
    except (OSError, ValueError):
        return code or 1
    return {"succeeded": 0, "stopped": 75}.get(state, 1)
