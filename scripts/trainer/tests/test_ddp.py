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
