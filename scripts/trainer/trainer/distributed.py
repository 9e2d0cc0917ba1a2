"""Several processes on one host or several (torchrun, DDP): who does what, and the few collectives used.

Semantics with N processes: step s trains the micro batches the plan gives for a micro batch
of `micro_batch_size * N` rows; process r takes rows r, r+N, ... of each. The loss is the
token mean over all processes' learned tokens, and the gradient is that of the same global
batch in one process: each process backpropagates its loss sum divided by the global
learned-token count, times N (DDP averages). Rank 0 alone writes metrics, generations,
checkpoints and status.json; every rank's RNG state is saved so a resume is exact.

On several nodes (`TUNECTL_NNODES` > 1) torchrun's c10d rendezvous, keyed by the run id, gives
the global ranks in an order of its own; the writer is then the first process of node 0 (the
node tunectl streams from and gives `TUNECTL_NODE_RANK=0`), whatever global rank it drew.
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
    writer: bool = True

    @property
    def main(self) -> bool:
        """The one process that writes metrics, generations, checkpoints and status.json."""
        return self.writer

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
    rank, local_rank = int(os.environ["RANK"]), int(os.environ.get("LOCAL_RANK", "0"))
    writer = node_rank() == 0 and local_rank == 0 if nnodes_requested() > 1 else rank == 0
    return Ranks(rank, world, local_rank, writer)


def nproc_requested() -> int:
    return int(os.environ.get("TUNECTL_NPROC") or "1")


def nnodes_requested() -> int:
    return int(os.environ.get("TUNECTL_NNODES") or "1")


def node_rank() -> int:
    return int(os.environ.get("TUNECTL_NODE_RANK") or "0")


def torchrun_argv(nproc: int) -> list[str]:
    """torchrun's placement flags: standalone on one node, else c10d rendezvous keyed by the run id.

    Multi-node needs `TUNECTL_RDZV_ENDPOINT` (host:port on node 0, which hosts the store) and
    `TUNECTL_RDZV_ID`; `TUNECTL_RDZV_TIMEOUT` (seconds, default 300) bounds the wait for every
    node to join, so a node that never comes fails the attempt instead of hanging it.
    `TUNECTL_NODE_ADDR` is this node's address as the others reach it (the one on the interface
    that routes to node 0); without it torchrun uses the host's FQDN, which a container may not
    resolve to anything the other nodes can reach.
    """
    nnodes = nnodes_requested()
    if nnodes <= 1:
        return ["--standalone", f"--nproc_per_node={nproc}"]
    missing = [name for name in ("TUNECTL_RDZV_ENDPOINT", "TUNECTL_RDZV_ID") if not os.environ.get(name)]
    if missing:
        raise SystemExit(f"TUNECTL_NNODES={nnodes} needs {' and '.join(missing)} (set by tunectl for resources.nodes > 1)")
    timeout = int(os.environ.get("TUNECTL_RDZV_TIMEOUT") or "300")
    host = "true" if node_rank() == 0 else "false"
    addr = [f"--local_addr={os.environ['TUNECTL_NODE_ADDR']}"] if os.environ.get("TUNECTL_NODE_ADDR") else []
    return [
        *addr,
        f"--nnodes={nnodes}",
        f"--nproc_per_node={nproc}",
        "--rdzv_backend=c10d",
        f"--rdzv_endpoint={os.environ['TUNECTL_RDZV_ENDPOINT']}",
        f"--rdzv_id={os.environ['TUNECTL_RDZV_ID']}",
        f"--rdzv_conf=is_host={host},join_timeout={timeout}",
        "--max_restarts=0",
    ]


def run_under_torchrun(argv: list[str], nproc: int) -> int:
    """The outer process: torchrun runs the workers; the exit code comes from the writer's status.json.

    torchrun reports any non-zero worker exit as its own failure, so the contract's exit codes
    (0 succeeded, 75 stopped, 1 failed) are taken from status.json; SIGTERM is passed on. A node
    other than node 0 has no status.json: its code is torchrun's.
    """
    import json
    import signal

    cmd = [sys.executable, "-m", "torch.distributed.run", *torchrun_argv(nproc), "-m", "trainer", *argv]
    env = {**os.environ, "TUNECTL_NPROC": "1"}
    output = argv[argv.index("--output") + 1] if "--output" in argv else "/output"
    status = os.path.join(output, "status.json")
    if node_rank() == 0 and os.path.exists(status):
        os.remove(status)  # a previous attempt's; the writer writes this attempt's (others may share the directory)
    proc = subprocess.Popen(cmd, env=env)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda signum, _f: proc.send_signal(signum))
    code = proc.wait()
    if node_rank() != 0:
        return code
    try:
        with open(status, encoding="utf-8") as handle:
            state = json.load(handle).get("state")
    except (OSError, ValueError):
        return code or 1
    return {"succeeded": 0, "stopped": 75}.get(state, 1)
