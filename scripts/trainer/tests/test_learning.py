"""The builtin tiny Llama learns (transformers + PEFT): on the demo instructions and on a slice of Alpaca."""

from __future__ import annotations

import json
import os
from statistics import mean

import pytest

from conftest import REPO_ROOT, Workspace, alpaca_segments, demo_records, make_config

ALPACA_5000 = os.path.join(REPO_ROOT, "..", "shared", "datasets", "alpaca_5000.json")


def learning_config(max_seq_len: int) -> dict:
    return make_config(
        model={"tiny": {}},  # the backend's defaults, as the demo uses them
        lora={"r": 16, "alpha": 32, "dropout": 0.05},
        train={"max_steps": 40, "micro_batch_size": 4, "learning_rate": 3e-3, "save_steps": 40, "warmup_ratio": 0.05, "logging_steps": 1},
        data={"max_seq_len": max_seq_len, "packing": True},
    )


def assert_learns(ws: Workspace) -> None:
    done = ws.run(timeout=240)
    assert done.returncode == 0, done.stdout + done.stderr
    loss = [m["loss"] for m in ws.metrics("train")]
    assert len(loss) == 40
    first, last = mean(loss[:3]), mean(loss[-5:])
    assert last < first - 1.0, (first, last)


def test_learns_the_demo_instructions(workspace: Workspace) -> None:
    workspace.setup(learning_config(256), [alpaca_segments(r) for r in demo_records()])
    assert_learns(workspace)


@pytest.mark.skipif(not os.path.exists(ALPACA_5000), reason="shared alpaca_5000.json not present")
def test_learns_a_slice_of_alpaca_5000(workspace: Workspace) -> None:
    with open(ALPACA_5000, encoding="utf-8") as handle:
        records = json.load(handle)[:200]
    workspace.setup(learning_config(384), [alpaca_segments(r) for r in records])
    assert_learns(workspace)
