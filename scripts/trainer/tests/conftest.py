"""Fixtures: Alpaca rendering to segments, data/config directories, running the trainer."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import tempfile
from typing import Any, Optional

import pytest

TRAINER_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
REPO_ROOT = os.path.abspath(os.path.join(TRAINER_ROOT, "..", ".."))
sys.path.insert(0, TRAINER_ROOT)
# the builtin tiny model is made once per settings and reused by every test and subprocess
os.environ.setdefault("TUNECTL_TINY_DIR", os.path.join(tempfile.gettempdir(), "tunectl-tests-tiny"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

PROMPT_INPUT = (
    "Below is an instruction that describes a task, paired with an input that provides further context. "
    "Write a response that appropriately completes the request.\n\n"
    "### Instruction:\n{instruction}\n\n### Input:\n{input}\n\n### Response:\n"
)
PROMPT_NO_INPUT = (
    "Below is an instruction that describes a task. Write a response that appropriately completes the request.\n\n"
    "### Instruction:\n{instruction}\n\n### Response:\n"
)

TINY_CONFIG: dict[str, Any] = {
    "contract": 1,
    "run_id": "test-run",
    "name": "test",
    "model": {"base": "builtin:tiny", "dtype": "float32", "trust_remote_code": False, "tiny": {"n_layer": 1, "n_head": 2, "n_embd": 32}},
    "lora": {"r": 4, "alpha": 8, "dropout": 0.1, "target_modules": ["q_proj", "k_proj", "v_proj", "o_proj", "up_proj", "down_proj"], "bias": "none"},
    "train": {
        "max_steps": 8,
        "micro_batch_size": 2,
        "gradient_accumulation_steps": 2,
        "learning_rate": 3e-3,
        "lr_scheduler": "cosine",
        "warmup_ratio": 0.1,
        "weight_decay": 0.0,
        "max_grad_norm": 1.0,
        "save_steps": 4,
        "save_total_limit": 2,
        "logging_steps": 1,
        "seed": 3,
        "gradient_checkpointing": False,
    },
    "data": {"template": "alpaca", "max_seq_len": 256, "packing": True, "train_on_inputs": False},
    "tracking": {"tensorboard": False},
}


def alpaca_segments(record: dict[str, str]) -> dict[str, Any]:
    template = PROMPT_INPUT if record.get("input") else PROMPT_NO_INPUT
    prompt = template.format(instruction=record["instruction"], input=record.get("input", ""))
    return {"segments": [{"text": prompt, "train": False}, {"text": record["output"], "train": True}]}


def read_alpaca_jsonl(path: str) -> list[dict[str, str]]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def demo_records() -> list[dict[str, str]]:
    return read_alpaca_jsonl(os.path.join(REPO_ROOT, "configs", "data", "tiny-instructions.jsonl"))


def write_jsonl(path: str, records: list[dict[str, Any]]) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record) + "\n")


def make_config(**sections: dict[str, Any]) -> dict[str, Any]:
    cfg = copy.deepcopy(TINY_CONFIG)
    for name, values in sections.items():
        cfg[name] = {**cfg.get(name, {}), **values}
    for key in ("epochs", "max_steps"):
        if cfg["train"].get(key) is None:
            cfg["train"].pop(key, None)
    if cfg["model"].get("tiny") == {}:  # the tiny model's own sizes
        cfg["model"].pop("tiny")
    return cfg


class Workspace:
    def __init__(self, root: str) -> None:
        self.root = root
        self.data = os.path.join(root, "data")
        self.output = os.path.join(root, "output")
        self.config = os.path.join(root, "train.json")
        os.makedirs(self.data, exist_ok=True)

    def setup(self, cfg: dict[str, Any], train: list[dict[str, Any]], evals: Optional[list[dict[str, Any]]] = None) -> "Workspace":
        with open(self.config, "w", encoding="utf-8") as handle:
            json.dump(cfg, handle)
        write_jsonl(os.path.join(self.data, "train.jsonl"), train)
        if evals is not None:
            write_jsonl(os.path.join(self.data, "eval.jsonl"), evals)
        return self

    def command(self) -> list[str]:
        return [sys.executable, "-m", "trainer", "--config", self.config, "--data", self.data, "--output", self.output]

    def env(self, resume: Optional[str] = None) -> dict[str, str]:
        env = {**os.environ, "PYTHONPATH": TRAINER_ROOT, "TUNECTL_RUN_ID": "test-run", "TUNECTL_ATTEMPT": "1"}
        env["TUNECTL_RESUME_FROM"] = resume or ""
        return env

    def run(self, resume: Optional[str] = None, timeout: float = 120) -> subprocess.CompletedProcess:
        return subprocess.run(self.command(), env=self.env(resume), capture_output=True, text=True, timeout=timeout)

    def start(self, resume: Optional[str] = None) -> subprocess.Popen:
        return subprocess.Popen(self.command(), env=self.env(resume), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def metrics(self, kind: Optional[str] = "train") -> list[dict[str, Any]]:
        path = os.path.join(self.output, "metrics.jsonl")
        if not os.path.exists(path):
            return []
        with open(path, encoding="utf-8") as handle:
            lines = [json.loads(line) for line in handle if line.strip()]
        return [line for line in lines if kind is None or line["kind"] == kind]

    def status(self) -> dict[str, Any]:
        with open(os.path.join(self.output, "status.json"), encoding="utf-8") as handle:
            return json.load(handle)


@pytest.fixture
def workspace(tmp_path) -> Workspace:
    return Workspace(str(tmp_path))
