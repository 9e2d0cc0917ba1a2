"""Two CPU processes (torchrun, gloo) train what one process trains with a micro batch twice as big."""

from __future__ import annotations

import os
import shutil

from conftest import Workspace, alpaca_segments, demo_records, make_config


def cfg(micro: int) -> dict:
    return make_config(
        lora={"dropout": 0.0},
        train={"max_steps": 6, "save_steps": 3, "save_total_limit": 10, "micro_batch_size": micro, "gradient_accumulation_steps": 2},
    )


def losses(ws: Workspace) -> dict[int, float]:
    return {m["step"]: m["loss"] for m in ws.metrics("train")}


def test_two_processes_match_one_and_resume_exactly(tmp_path) -> None:
    data = [alpaca_segments(r) for r in demo_records()[:30]]
    one = Workspace(str(tmp_path / "one")).setup(cfg(4), data)
    assert one.run(timeout=600).returncode == 0
    two = Workspace(str(tmp_path / "two")).setup(cfg(2), data)
    env = {"TUNECTL_NPROC": "2", "OMP_NUM_THREADS": "1"}
    os.environ.update(env)
    try:
        done = two.run(timeout=600)
        assert done.returncode == 0, done.stdout + done.stderr
        expected, got = losses(one), losses(two)
        assert len(two.metrics("train")) == 6  # rank 0 alone writes metrics
        assert all(abs(got[s] - expected[s]) < 1e-5 for s in range(1, 7)), (got, expected)
        assert [m["tokens"] for m in two.metrics("train")] == [m["tokens"] for m in one.metrics("train")]
        # resume two processes from the step-3 checkpoint in a fresh output: the same steps 4..6
        again = Workspace(str(tmp_path / "again")).setup(cfg(2), data)
        os.makedirs(os.path.join(again.output, "checkpoints"))
        shutil.copytree(os.path.join(two.output, "checkpoints", "step-3"), os.path.join(again.output, "checkpoints", "step-3"))
        done = again.run(resume=os.path.join(again.output, "checkpoints", "step-3"), timeout=600)
        assert done.returncode == 0, done.stdout + done.stderr
        assert all(abs(losses(again)[s] - got[s]) < 1e-5 for s in (4, 5, 6))
        assert again.status()["state"] == "succeeded"
    finally:
        for name in env:
            os.environ.pop(name, None)


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def node_env(rank: int, port: int, **extra: str) -> dict[str, str]:
    return {
        "TUNECTL_NNODES": "2",
        "TUNECTL_NODE_RANK": str(rank),
        "TUNECTL_RDZV_ENDPOINT": f"127.0.0.1:{port}",
        "TUNECTL_RDZV_ID": "test-run",
        "OMP_NUM_THREADS": "1",
        **extra,
    }


def start_node(ws: Workspace, env: dict[str, str]):
    import subprocess

    return subprocess.Popen(ws.command(), env={**ws.env(), **env}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def test_two_nodes_meet_by_run_id_and_train_what_one_process_trains(tmp_path) -> None:
    data = [alpaca_segments(r) for r in demo_records()[:30]]
    one = Workspace(str(tmp_path / "one")).setup(cfg(4), data)
    assert one.run(timeout=600).returncode == 0
    nodes = [Workspace(str(tmp_path / f"node{rank}")).setup(cfg(2), data) for rank in (0, 1)]
    port = free_port()
    # node 1 first: the rendezvous waits for node 0, which hosts its store. The rendezvous orders
    # global ranks by node address, so node 1 (127.0.0.1) draws rank 0 and node 0 (127.0.0.2) rank 1.
    addr = {0: "127.0.0.2", 1: "127.0.0.1"}
    procs = [start_node(nodes[rank], node_env(rank, port, TUNECTL_NODE_ADDR=addr[rank])) for rank in (1, 0)]
    outs = [proc.communicate(timeout=600)[0] for proc in procs]
    assert [proc.returncode for proc in procs] == [0, 0], outs
    expected, got = losses(one), losses(nodes[0])
    assert sorted(got) == list(range(1, 7)), outs[1]
    assert all(abs(got[s] - expected[s]) < 1e-5 for s in range(1, 7)), (got, expected)
    assert nodes[0].status()["state"] == "succeeded"
    # node 0's first process writes though it drew global rank 1; node 1 writes nothing
    assert not os.path.exists(os.path.join(nodes[1].output, "metrics.jsonl"))
    assert not os.path.exists(os.path.join(nodes[1].output, "status.json"))
    assert os.path.isdir(os.path.join(nodes[0].output, "checkpoints", "step-6"))
    assert "2 processes (DDP)" in outs[1] and "this one is rank 1" in outs[1], outs[1]


def test_a_node_that_never_joins_fails_the_attempt_within_the_join_timeout(tmp_path) -> None:
    data = [alpaca_segments(r) for r in demo_records()[:8]]
    alone = Workspace(str(tmp_path / "alone")).setup(cfg(2), data)
    proc = start_node(alone, node_env(0, free_port(), TUNECTL_RDZV_TIMEOUT="5"))
    out = proc.communicate(timeout=180)[0]
    assert proc.returncode == 1, out
    assert "RendezvousTimeoutError" in out or "timed out" in out.lower(), out
    assert not os.path.exists(os.path.join(alone.output, "metrics.jsonl"))
