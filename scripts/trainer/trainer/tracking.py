"""Trackers fed every line metrics.jsonl gets: TensorBoard event files and W&B, each through its
own client (train.json's `tracking`). They see exactly the lines written, so their curves are
metrics.jsonl's. Only rank 0 writes metrics, so only rank 0 tracks.
"""

from __future__ import annotations

import dataclasses
import json
import os
from typing import Any, Callable, Optional, Protocol

from .config import TrainConfig

# the fields of a line that are curves, logged as `<kind>/<field>` (as `tunectl export-metrics` names them)
SCALARS = ("loss", "eval_loss", "lr", "grad_norm", "tokens", "tokens_per_s", "epoch")
SUMMARY = ("loss", "eval_loss", "first_loss", "best_eval_loss", "best_eval_step", "runtime_s", "tokens_per_s", "step", "tokens")


class TrackingError(RuntimeError):
    """A configured tracker cannot be started; the message says what to change."""


class Tracker(Protocol):
    def log(self, line: dict[str, Any]) -> None: ...

    def close(self) -> None: ...


class Writer(Protocol):
    def write(self, kind: str, **fields: Any) -> Optional[dict[str, Any]]: ...

    def close(self) -> None: ...


def scalars(line: dict[str, Any]) -> dict[str, float]:
    """`train/loss`, `eval/eval_loss`, ... of one line; summaries are not curves."""
    if line.get("kind") not in ("train", "eval"):
        return {}
    return {f"{line['kind']}/{key}": line[key] for key in SCALARS if isinstance(line.get(key), (int, float)) and not isinstance(line.get(key), bool)}


def run_config(cfg: TrainConfig) -> dict[str, Any]:
    """What each tracker run carries: the train.json as the trainer took it, and the tunectl run and attempt."""
    settings = json.loads(json.dumps(dataclasses.asdict(cfg)))
    settings["tunectl"] = {"run_id": run_id(cfg), "attempt": os.environ.get("TUNECTL_ATTEMPT") or "1"}
    return settings


def run_id(cfg: TrainConfig) -> str:
    return os.environ.get("TUNECTL_RUN_ID") or cfg.run_id


class TensorBoardTracker:
    """Event files in <output>/tensorboard/ (one per attempt, as SummaryWriter names them), flushed per line."""

    def __init__(self, cfg: TrainConfig, output: str) -> None:
        from torch.utils.tensorboard import SummaryWriter
        from torch.utils.tensorboard.summary import hparams

        self.dir = os.path.join(output, "tensorboard")
        self.writer = SummaryWriter(log_dir=self.dir)
        settings = run_config(cfg)
        self.writer.add_text("tunectl/run_id", run_id(cfg), 0)
        self.writer.add_text("tunectl/config", "```json\n" + json.dumps(settings, indent=2, sort_keys=True) + "\n```", 0)
        flat = _flatten(settings)
        metrics = {f"{kind}/{key}": None for kind, key in (("train", "loss"), ("eval", "eval_loss"))}
        for summary in hparams(flat, metrics):
            self.writer.file_writer.add_summary(summary)
        self.writer.flush()

    def log(self, line: dict[str, Any]) -> None:
        values = scalars(line)
        for tag, value in values.items():
            self.writer.add_scalar(tag, value, line["step"], walltime=line.get("ts"))
        if line.get("kind") == "summary":
            text = ", ".join(f"{key} {line[key]}" for key in SUMMARY if key in line)
            self.writer.add_text("tunectl/summary", text, line.get("step", 0))
        self.writer.flush()

    def close(self) -> None:
        self.writer.close()


class WandbTracker:
    """A W&B run through the wandb client: id and name from the tunectl run (so every attempt of a run
    continues one W&B run), train.json as its config. The client reads WANDB_API_KEY and the other
    WANDB_* variables from the environment itself; nothing here prints them."""

    def __init__(self, cfg: TrainConfig, output: str, log: Callable[[str], None]) -> None:
        try:
            import wandb
        except Exception as err:  # noqa: BLE001 - an import can fail in many ways; each needs the same advice
            raise TrackingError(
                f"tracking.wandb is on, but this Python cannot import the wandb client ({type(err).__name__}: {err}); "
                "install wandb in the trainer image or venv, or set tracking.wandb.enabled: false"
            ) from err
        settings = cfg.tracking.wandb
        assert settings is not None
        options: dict[str, Any] = {
            "project": settings.project,
            "entity": settings.entity,
            "name": settings.name,
            "tags": list(settings.tags),
            "id": run_id(cfg),
            "resume": "allow",
            "config": run_config(cfg),
            "dir": output,
            "job_type": "train",
            # the trainer's own stdout/stderr go to the orchestrator's log: leave them alone
            "settings": wandb.Settings(console="off"),
        }
        if settings.mode and not os.environ.get("WANDB_MODE"):
            options["mode"] = settings.mode  # a WANDB_MODE in the environment wins (an offline host says so)
        self.wandb = wandb
        self.run = wandb.init(**{key: value for key, value in options.items() if value is not None})
        log(f"W&B run {self.run.id} ({getattr(self.run.settings, 'mode', None) or 'online'}) in {self.run.dir}")

    def log(self, line: dict[str, Any]) -> None:
        values = scalars(line)
        if values:
            self.run.log(values, step=line["step"])
        if line.get("kind") == "summary":
            self.run.summary.update({f"summary/{key}": line[key] for key in SUMMARY if key in line})

    def close(self) -> None:
        self.run.finish()


class TrackedMetrics:
    """metrics.jsonl first (the contract), then every tracker with the line as written."""

    def __init__(self, metrics: Writer, trackers: list[Tracker]) -> None:
        self.metrics = metrics
        self.trackers = trackers

    def write(self, kind: str, **fields: Any) -> Optional[dict[str, Any]]:
        line = self.metrics.write(kind, **fields)
        if line is not None:
            for tracker in self.trackers:
                tracker.log(line)
        return line

    def close(self) -> None:
        try:
            self.metrics.close()
        finally:
            for tracker in self.trackers:
                tracker.close()


def open_trackers(cfg: TrainConfig, output: str, log: Callable[[str], None]) -> list[Tracker]:
    trackers: list[Tracker] = []
    try:
        if cfg.tracking.tensorboard:
            trackers.append(TensorBoardTracker(cfg, output))
            log(f"TensorBoard event files in {os.path.join(output, 'tensorboard')}")
        if cfg.tracking.wandb is not None:
            trackers.append(WandbTracker(cfg, output, log))
    except BaseException:
        for tracker in trackers:
            tracker.close()
        raise
    return trackers


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """hparams take scalars: nested sections become `a.b`, lists and nulls their JSON text."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, inner in value.items():
            out.update(_flatten(inner, f"{prefix}.{key}" if prefix else key))
        return out
    if isinstance(value, (bool, int, float, str)):
        return {prefix: value}
    return {prefix: json.dumps(value)}
