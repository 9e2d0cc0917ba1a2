"""train.json's `tracking`: the trainer logs every metric line to TensorBoard event files and to W&B
through their own clients, and each tracker run carries the tunectl run id and the config. The
files are read back with the trackers' own readers (TensorBoard's EventAccumulator, W&B's protobuf
records), never with ours."""

from __future__ import annotations

import glob
import json
import os
import struct

import pytest

from conftest import Workspace, alpaca_segments, demo_records, make_config


def records(n: int) -> list[dict]:
    return [alpaca_segments(r) for r in demo_records()[:n]]


def curves(ws: Workspace) -> dict[str, dict[int, float]]:
    """`train/loss` -> {step: value}, ... from metrics.jsonl, the tag names the trackers use."""
    out: dict[str, dict[int, float]] = {}
    for line in ws.metrics(None):
        if line["kind"] not in ("train", "eval"):
            continue
        for key in ("loss", "eval_loss", "lr", "grad_norm", "tokens", "tokens_per_s", "epoch"):
            if key in line:
                out.setdefault(f"{line['kind']}/{key}", {})[line["step"]] = line[key]
    return out


def test_tensorboard_event_files_hold_every_metric_line(workspace: Workspace) -> None:
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    cfg = make_config(train={"max_steps": 6, "eval_steps": 3, "save_steps": 3}, tracking={"tensorboard": True})
    done = workspace.setup(cfg, records(24), evals=records(4)).run()
    assert done.returncode == 0, done.stdout + done.stderr
    events = EventAccumulator(os.path.join(workspace.output, "tensorboard"), size_guidance={"scalars": 0, "tensors": 0})
    events.Reload()
    expected = curves(workspace)
    assert {"train/loss", "train/lr", "train/grad_norm", "eval/eval_loss"} <= set(expected)
    assert set(events.Tags()["scalars"]) == set(expected)
    for tag, values in expected.items():
        logged = {event.step: event.value for event in events.Scalars(tag)}
        assert logged == pytest.approx(values, rel=1e-6), tag  # event files hold float32
    assert sorted(expected["train/loss"]) == [1, 2, 3, 4, 5, 6]
    assert sorted(expected["eval/eval_loss"]) == [3, 6]

    def text(tag: str) -> str:
        return events.Tensors(f"{tag}/text_summary")[-1].tensor_proto.string_val[0].decode()

    assert text("tunectl/run_id") == "test-run"
    config = json.loads(text("tunectl/config").removeprefix("```json\n").removesuffix("\n```"))
    assert config["tunectl"]["run_id"] == "test-run"
    assert config["train"]["max_steps"] == 6 and config["lora"]["r"] == cfg["lora"]["r"]
    assert "_hparams_/session_start_info" in events.PluginTagToContent("hparams")
    assert "tunectl/summary/text_summary" in events.Tags()["tensors"]


def test_without_tracking_no_event_files_are_written(workspace: Workspace) -> None:
    done = workspace.setup(make_config(train={"max_steps": 2, "save_steps": 2}), records(8)).run()
    assert done.returncode == 0, done.stdout + done.stderr
    assert not os.path.exists(os.path.join(workspace.output, "tensorboard"))
    assert not os.path.exists(os.path.join(workspace.output, "wandb"))


def wandb_records(path: str) -> list:
    """Every record of a `.wandb` file, parsed with wandb's own protobuf `Record`. The file is
    LevelDB's log format (32 KiB blocks of chunks: crc32 u32, length u16, type u8 full/first/
    middle/last) behind wandb's 7-byte header `:W&B`, magic 0xBEE1, version 0; wandb 0.30 keeps
    its reader in wandb-core (Go), so the framing is walked here and the records decoded by wandb."""
    from wandb.proto import wandb_internal_pb2

    block = 32768
    with open(path, "rb") as handle:
        data = handle.read()
    ident, magic, version = struct.unpack("<4sHB", data[:7])
    assert (ident, magic, version) == (b":W&B", 0xBEE1, 0)
    out, pos, pending = [], 7, b""
    while pos + 7 <= len(data):
        if block - pos % block < 7:  # a block's tail too short for a chunk header is padding
            pos += block - pos % block
            continue
        _crc, length, kind = struct.unpack("<IHB", data[pos : pos + 7])
        if kind == 0 and length == 0:
            break
        chunk, pos = data[pos + 7 : pos + 7 + length], pos + 7 + length
        pending = chunk if kind in (1, 2) else pending + chunk
        if kind in (1, 4):
            record = wandb_internal_pb2.Record()
            record.ParseFromString(pending)
            out.append(record)
    return out


def test_wandb_offline_run_holds_every_step_with_the_run_id_and_config(workspace: Workspace) -> None:
    try:
        import wandb  # noqa: F401
    except Exception as err:  # noqa: BLE001
        pytest.skip(f"the wandb client cannot be imported here ({type(err).__name__}: {err})")
    cfg = make_config(
        train={"max_steps": 6, "eval_steps": 3, "save_steps": 3},
        tracking={"tensorboard": False, "wandb": {"project": "tunectl-tests", "name": "tracking-test", "tags": ["tiny", "ci"]}},
    )
    workspace.setup(cfg, records(24), evals=records(4))
    env = {**workspace.env(), "WANDB_MODE": "offline", "WANDB_SILENT": "true"}
    env.pop("WANDB_API_KEY", None)
    import subprocess

    done = subprocess.run(workspace.command(), env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    files = glob.glob(os.path.join(workspace.output, "wandb", "offline-run-*", "run-*.wandb"))
    assert len(files) == 1, os.listdir(os.path.join(workspace.output, "wandb"))
    assert files[0].endswith("run-test-run.wandb")
    parsed = wandb_records(files[0])
    history: dict[str, dict[int, float]] = {}
    run = None
    config: dict[str, object] = {}
    for record in parsed:
        kind = record.WhichOneof("record_type")
        if kind == "history":
            for item in record.history.item:
                key = item.key or "/".join(item.nested_key)
                if not key.startswith("_"):
                    history.setdefault(key, {})[record.history.step.num] = json.loads(item.value_json)
        elif kind == "run":
            run = record.run
            config.update({item.key: json.loads(item.value_json) for item in record.run.config.update})
        elif kind == "config":
            config.update({item.key: json.loads(item.value_json) for item in record.config.update})
    expected = curves(workspace)
    assert set(history) == set(expected)
    for tag, values in expected.items():
        assert history[tag] == pytest.approx(values, rel=1e-12), tag
    assert sorted(history["train/loss"]) == [1, 2, 3, 4, 5, 6] and sorted(history["eval/eval_loss"]) == [3, 6]
    assert run is not None and run.run_id == "test-run" and run.display_name == "tracking-test"
    assert list(run.tags) == ["tiny", "ci"] and run.project == "tunectl-tests"
    assert config["tunectl"] == {"run_id": "test-run", "attempt": "1"}
    assert config["run_id"] == "test-run" and config["train"]["max_steps"] == 6 and config["tracking"]["wandb"]["tags"] == ["tiny", "ci"]
