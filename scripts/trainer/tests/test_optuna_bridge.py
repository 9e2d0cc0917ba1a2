"""scripts/sweep/optuna_bridge.py: Optuna's ask-and-tell over JSON lines, its study in a journal
file. The samplers are Optuna's own; these tests check what tunectl relies on: a fixed seed asks
the same trials, and a restarted bridge continues the study from its journal."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

optuna = pytest.importorskip(
    "optuna", reason="optuna is not in this venv (scripts/trainer/requirements.lock)"
)

BRIDGE = os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", "..", "sweep", "optuna_bridge.py")
)

SPACE = {
    "train.learning_rate": {"type": "float", "low": 1e-5, "high": 1e-2, "log": True},
    "lora.r": {"type": "int", "low": 4, "high": 64},
    "data.template": {"type": "categorical", "choices": [0, 1, 2]},
}


class Bridge:
    """The bridge as tunectl runs it: a child process spoken to in JSON lines."""

    def __init__(self, journal: str, sampler: str = "tpe", seed: int = 7) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, BRIDGE, "--journal", journal, "--study", "s",
             "--sampler", sampler, "--seed", str(seed), "--direction", "minimize"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )

    def send(self, request: dict) -> dict:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def ask(self) -> dict:
        answer = self.send({"op": "ask", "space": SPACE})
        assert answer["ok"], answer
        return answer

    def close(self) -> None:
        assert self.proc.stdin
        self.proc.stdin.close()
        assert self.proc.wait(timeout=60) == 0


def objective(params: dict) -> float:
    """A loss with its minimum near lr 1e-3, r 16, template 1."""
    import math

    return (
        (math.log10(params["train.learning_rate"]) + 3) ** 2
        + ((params["lora.r"] - 16) / 16) ** 2
        + (0 if params["data.template"] == 1 else 0.5)
    )


def run(bridge: Bridge, n: int) -> list[dict]:
    asked = []
    for _ in range(n):
        answer = bridge.ask()
        assert bridge.send({"op": "tell", "trial": answer["trial"], "value": objective(answer["params"])}) == {"ok": True}
        asked.append(answer)
    return asked


def test_tpe_with_a_fixed_seed_asks_the_same_trials(tmp_path):
    # past TPESampler's 10 random start-up trials, so its model picks the last ones
    a = Bridge(str(tmp_path / "a.journal"))
    b = Bridge(str(tmp_path / "b.journal"))
    first, second = run(a, 14), run(b, 14)
    a.close()
    b.close()
    assert [t["params"] for t in first] == [t["params"] for t in second]
    assert [t["trial"] for t in first] == list(range(14))
    for trial in first:
        p = trial["params"]
        assert 1e-5 <= p["train.learning_rate"] <= 1e-2
        assert isinstance(p["lora.r"], int) and 4 <= p["lora.r"] <= 64
        assert p["data.template"] in (0, 1, 2)
    other = Bridge(str(tmp_path / "c.journal"), seed=8)
    differ = run(other, 3)
    other.close()
    assert [t["params"] for t in differ] != [t["params"] for t in first[:3]]


def test_random_sampler_asks_within_the_space(tmp_path):
    bridge = Bridge(str(tmp_path / "r.journal"), sampler="random")
    asked = run(bridge, 5)
    bridge.close()
    assert len({json.dumps(t["params"], sort_keys=True) for t in asked}) == 5


def test_a_restarted_bridge_continues_the_study_from_its_journal(tmp_path):
    journal = str(tmp_path / "optuna.journal")
    bridge = Bridge(journal)
    told = run(bridge, 3)
    open_trial = bridge.ask()  # asked, not yet told when the bridge stops
    bridge.close()

    again = Bridge(journal)
    trials = again.send({"op": "trials"})["trials"]
    assert [t["trial"] for t in trials] == [0, 1, 2, 3]
    assert [t["state"] for t in trials] == ["complete", "complete", "complete", "running"]
    assert [t["params"] for t in trials[:3]] == [t["params"] for t in told]
    assert trials[0]["value"] == pytest.approx(objective(told[0]["params"]))
    assert again.send({"op": "tell", "trial": open_trial["trial"], "state": "pruned"}) == {"ok": True}
    assert again.ask()["trial"] == 4
    states = [t["state"] for t in again.send({"op": "trials"})["trials"]]
    again.close()
    assert states == ["complete", "complete", "complete", "pruned", "running"]


def test_a_bad_request_is_answered_and_the_bridge_keeps_going(tmp_path):
    bridge = Bridge(str(tmp_path / "e.journal"))
    bad = bridge.send({"op": "ask", "space": {"x": {"type": "normal"}}})
    assert bad["ok"] is False and "unknown distribution type" in bad["error"]
    assert bridge.send({"op": "fly"})["ok"] is False
    assert bridge.send({"op": "tell", "trial": 99, "value": 1.0})["ok"] is False
    assert bridge.ask()["trial"] == 0
    bridge.close()
