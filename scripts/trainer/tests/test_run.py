"""The trainer as the orchestrator drives it: a subprocess, exit codes, status.json, resume."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import time

from conftest import Workspace, alpaca_segments, demo_records, make_config
from trainer.checkpoint import scan
from trainer.contract import validate
from trainer.outcome import describe_error

FIELDS = {"ts", "step", "total_steps", "epoch", "loss", "lr", "grad_norm", "tokens", "tokens_per_s", "kind"}


def records(n: int = 120) -> list[dict]:
    return [alpaca_segments(r) for r in demo_records()[:n]]


def losses(ws: Workspace) -> dict[int, float]:
    """step -> loss; a later line for the same step (a re-done step) wins."""
    return {line["step"]: line["loss"] for line in ws.metrics("train")}


def test_success_writes_metrics_checkpoints_and_status(workspace: Workspace) -> None:
    cfg = make_config(train={"eval_steps": 4})
    done = workspace.setup(cfg, records(40), evals=records(8)).run()
    assert done.returncode == 0, done.stdout + done.stderr
    assert "step 8/8" in done.stdout
    status = workspace.status()
    assert status["state"] == "succeeded" and status["step"] == 8 and "error" not in status
    train = workspace.metrics("train")
    assert [m["step"] for m in train] == list(range(1, 9))
    assert all(FIELDS <= set(m) for m in train)
    assert all(m["total_steps"] == 8 for m in train)
    evals = workspace.metrics("eval")
    assert [m["step"] for m in evals] == [4, 8] and all("eval_loss" in m for m in evals)
    summary = workspace.metrics("summary")
    assert len(summary) == 1 and summary[0]["step"] == 8 and summary[0]["first_loss"] == train[0]["loss"]
    # the data as the trainer read it, before step 1: the counts its log gives, in the contract's shape
    data = workspace.metrics("data")
    assert [(m["split"], m["records"], m["step"], m["attempt"]) for m in data] == [("train", 40, 0, 1), ("eval", 8, 0, 1)]
    logged = re.search(r"train\.jsonl: 40 records, (\d+) truncated to 256 tokens, (\d+) without trainable tokens dropped, (\d+) tokens", done.stdout)
    assert logged, done.stdout
    assert (data[0]["truncated"], data[0]["dropped"], data[0]["tokens"]) == tuple(int(g) for g in logged.groups())
    assert data[0]["tokens"] > 0 and data[0]["max_seq_len"] == 256
    for line in data:
        validate(line, "metric-line")
    steps = [c.step for c in scan(os.path.join(workspace.output, "checkpoints"))[0]]
    assert steps == [4, 8]
    files = {f["path"] for f in scan(os.path.join(workspace.output, "checkpoints"))[0][-1].manifest["files"]}
    assert {"adapter_model.safetensors", "adapter_config.json", "tunectl_adapter.json", "trainer_state.pt", "trainer_state.json"} <= files


def test_bad_data_fails_with_status_and_a_one_line_cause(workspace: Workspace) -> None:
    workspace.setup(make_config(), records(4))
    with open(os.path.join(workspace.data, "train.jsonl"), "a") as handle:
        handle.write("{not json\n")
    done = workspace.run()
    assert done.returncode not in (0, 75)
    status = workspace.status()
    assert status["state"] == "failed" and status["step"] == 0
    assert "train.jsonl:5" in status["error"] and "\n" not in status["error"]


def strict_json(path: str) -> dict:
    def refuse(constant: str) -> None:
        raise ValueError(f"{path}: {constant} is not JSON")

    with open(path, encoding="utf-8") as handle:
        return json.load(handle, parse_constant=refuse)


def test_a_diverging_run_fails_as_diverged_and_keeps_every_manifest_valid(workspace: Workspace) -> None:
    cfg = make_config(train={"max_steps": 6, "save_steps": 1, "learning_rate": 1e30, "lr_scheduler": "constant", "warmup_ratio": 0})
    done = workspace.setup(cfg, records(16)).run()
    assert done.returncode == 1, done.stdout + done.stderr
    status = strict_json(os.path.join(workspace.output, "status.json"))
    assert status["state"] == "failed" and status["code"] == "trainer.diverged"
    step = status["details"]["step"]
    assert 2 <= step <= 6 and status["details"]["value"] in ("nan", "inf", "-inf")
    assert "diverged at step" in status["error"]
    checkpoints = scan(os.path.join(workspace.output, "checkpoints"))[0]
    assert [c.step for c in checkpoints][-1] == step - 1  # the diverged step saved nothing
    for checkpoint in checkpoints:
        metrics = strict_json(os.path.join(checkpoint.path, "manifest.json"))["metrics"]
        assert all(v is None or isinstance(v, (int, float, str)) for v in metrics.values())


def test_unknown_hub_id_fails_fast_offline(workspace: Workspace) -> None:
    started = time.monotonic()
    done = workspace.setup(make_config(model={"base": "no-such-owner/no-such-model"}), records(4)).run()
    assert done.returncode == 1
    error = workspace.status()["error"]
    assert error.startswith("model 'no-such-owner/no-such-model' not found or not accessible (HF_HUB_OFFLINE is set")
    assert time.monotonic() - started < 120


def test_an_adapter_that_does_not_fit_is_refused_on_resume(tmp_path) -> None:
    cfg = make_config(train={"max_steps": 2, "save_steps": 2})
    first = Workspace(str(tmp_path / "a")).setup(cfg, records(8))
    assert first.run().returncode == 0
    other = make_config(train={"max_steps": 4, "save_steps": 2}, lora={"r": 8, "target_modules": ["q_proj", "v_proj"]})
    ws = Workspace(str(tmp_path / "b")).setup(other, records(8))
    done = ws.run(resume=os.path.join(first.output, "checkpoints", "step-2"))
    assert done.returncode == 1
    assert "does not fit this model" in ws.status()["error"]


def test_missing_model_is_named(workspace: Workspace) -> None:
    done = workspace.setup(make_config(model={"base": "/models/nope"}), records(4)).run()
    assert done.returncode == 1
    assert workspace.status()["error"] == "model path '/models/nope' does not exist on this host"


def test_out_of_memory_gets_a_clear_cause() -> None:
    message = describe_error(RuntimeError("CUDA out of memory. Tried to allocate 2.00 GiB (GPU 0; 23.65 GiB total)"))
    assert message.startswith("out of memory (GPU)")
    assert describe_error(MemoryError()).startswith("out of memory (host RAM)")


def _catches_sigterm(pid: int) -> bool:
    with open(f"/proc/{pid}/status") as status:
        caught = next(line for line in status if line.startswith("SigCgt:")).split()[1]
    return bool(int(caught, 16) & (1 << (signal.SIGTERM - 1)))


def test_sigterm_while_starting_is_a_stop_after_the_first_step(tmp_path) -> None:
    # a scheduler's warning can arrive while torch is still being imported
    cfg = make_config(train={"max_steps": 24, "save_steps": 8, "micro_batch_size": 4})
    ws = Workspace(str(tmp_path / "early")).setup(cfg, records())
    proc = ws.start()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not _catches_sigterm(proc.pid):
        time.sleep(0.005)
    with open(f"/proc/{proc.pid}/maps") as maps:
        assert "libtorch" not in maps.read(), "the stop request is taken only after torch was imported"
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=120)
    assert proc.returncode == 75, out
    assert ws.status()["state"] == "stopped" and ws.status()["step"] == 1
    assert [c.step for c in scan(os.path.join(ws.output, "checkpoints"))[0]] == [1]


def test_sigterm_stops_at_a_checkpoint_and_resume_matches_an_uninterrupted_run(tmp_path) -> None:
    # dropout on (lora.dropout 0.1) and an eval at step 2, before the stop
    cfg = make_config(train={"max_steps": 24, "save_steps": 8, "eval_steps": 2, "micro_batch_size": 4})
    assert cfg["lora"]["dropout"] > 0
    data, evals = records(), records(6)
    straight = Workspace(str(tmp_path / "straight")).setup(cfg, data, evals)
    assert straight.run().returncode == 0

    ws = Workspace(str(tmp_path / "stopped")).setup(cfg, data, evals)
    proc = ws.start()
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and not (any(m["step"] >= 3 for m in ws.metrics("train")) and ws.metrics("eval")):
        time.sleep(0.01)
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 75, out
    status = ws.status()
    assert status["state"] == "stopped" and 3 <= status["step"] < 24
    stopped_at = status["step"]
    checkpoint = os.path.join(ws.output, "checkpoints", f"step-{stopped_at}")
    assert status["checkpoint"] == checkpoint
    assert [c.step for c in scan(os.path.join(ws.output, "checkpoints"))[0]][-1] == stopped_at

    resumed = ws.run(resume=checkpoint)
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert f"resumed from {checkpoint} at step {stopped_at}" in resumed.stdout
    assert ws.status() == {**ws.status(), "state": "succeeded", "step": 24}
    expected, got = losses(straight), losses(ws)
    assert sorted(got) == list(range(1, 25))
    for step in range(1, 25):
        assert abs(got[step] - expected[step]) < 1e-5, (step, got[step], expected[step])
    evals_straight = {m["step"]: m["eval_loss"] for m in straight.metrics("eval")}
    evals_resumed = {m["step"]: m["eval_loss"] for m in ws.metrics("eval")}
    assert all(abs(evals_resumed[s] - v) < 1e-5 for s, v in evals_straight.items())
    # earlier lines are kept: the stopped attempt's lines come first, untouched
    assert [m["step"] for m in ws.metrics("train")][:stopped_at] == list(range(1, stopped_at + 1))


def test_resume_after_a_kill_from_a_periodic_checkpoint(tmp_path) -> None:
    cfg = make_config(train={"max_steps": 8, "save_steps": 4, "save_total_limit": 10})
    straight = Workspace(str(tmp_path / "straight")).setup(cfg, records(40))
    assert straight.run().returncode == 0
    # a run killed after step 6 leaves step-4 complete and a half-written step-6
    ws = Workspace(str(tmp_path / "killed")).setup(cfg, records(40))
    os.makedirs(os.path.join(ws.output, "checkpoints"))
    shutil.copytree(os.path.join(straight.output, "checkpoints", "step-4"), os.path.join(ws.output, "checkpoints", "step-4"))
    os.makedirs(os.path.join(ws.output, "checkpoints", "step-6"))
    open(os.path.join(ws.output, "checkpoints", "step-6", "adapter_model.safetensors"), "wb").write(b"partial")
    with open(os.path.join(ws.output, "metrics.jsonl"), "w") as handle:
        handle.write('{"step": 5, "kind": "train", "loss": 9.0}\n{"step": 6, "kind": "tr')  # died mid-line
    done = ws.run(resume=os.path.join(ws.output, "checkpoints", "step-4"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert not os.path.exists(os.path.join(ws.output, "checkpoints", "step-6", "adapter_model.safetensors"))
    lines = open(os.path.join(ws.output, "metrics.jsonl")).read().splitlines()
    assert lines[0] == '{"step": 5, "kind": "train", "loss": 9.0}'
    new = [json.loads(line) for line in lines[2:]]
    assert [m["step"] for m in new if m["kind"] == "train"] == [5, 6, 7, 8]
    expected = losses(straight)
    assert all(abs(m["loss"] - expected[m["step"]]) < 1e-5 for m in new if m["kind"] == "train")


def test_resume_from_an_incomplete_checkpoint_fails_clearly(workspace: Workspace) -> None:
    workspace.setup(make_config(), records(8))
    bogus = os.path.join(workspace.root, "bogus")
    os.makedirs(bogus)
    done = workspace.run(resume=bogus)
    assert done.returncode == 1
    assert "is not a complete checkpoint" in workspace.status()["error"]


def test_generations_at_step_zero_and_every_eval(workspace: Workspace) -> None:
    cfg = make_config(train={"max_steps": 4, "save_steps": 4, "eval_steps": 2})
    assert workspace.setup(cfg, records(8), evals=records(3)).run().returncode == 0
    with open(os.path.join(workspace.output, "generations.jsonl"), encoding="utf-8") as handle:
        lines = [json.loads(line) for line in handle]
    assert sorted({line["step"] for line in lines}) == [0, 2, 4]
    assert all(set(line) == {"ts", "step", "attempt", "prompt_id", "prompt", "output"} for line in lines)
    assert {line["prompt_id"] for line in lines} == {"eval-0", "eval-1", "eval-2"}
    assert all(line["prompt"].endswith("### Response:\n") and line["attempt"] == 1 for line in lines)
