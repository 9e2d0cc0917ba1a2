"""The trainer side of the contract: train.json checked against the generated schema, and the
documents the trainer writes (metrics lines, status.json, checkpoint manifests) in the shape
tunectl reads them (schemas/*.schema.json, generated from src/contract/)."""

from __future__ import annotations

import copy
import dataclasses
import json
import os
import subprocess
import sys

import pytest

from conftest import TINY_CONFIG, TRAINER_ROOT
from trainer import config as config_module
from trainer.checkpoint import write_checkpoint
from trainer.config import ConfigError, parse_config
from trainer.contract import ContractError, attempt_from_env, load_schema, validate
from trainer.metrics import MetricsWriter
from trainer.outcome import write_status


def changed(path: str, value: object) -> dict:
    cfg = copy.deepcopy(TINY_CONFIG)
    *parents, last = path.split(".")
    node = cfg
    for part in parents:
        node = node[part]
    if value is None:
        del node[last]
    else:
        node[last] = value
    return cfg


def test_a_complete_train_json_is_taken_as_sent() -> None:
    cfg = parse_config(copy.deepcopy(TINY_CONFIG))
    assert cfg.lora.bias == "none" and cfg.model.revision is None
    assert cfg.train.gradient_accumulation_steps == 2 and cfg.name == "test"


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("lora.bias", None, "train.json: 'lora.bias' is required"),
        ("train.gradient_accumulation_steps", None, "train.json: 'train.gradient_accumulation_steps' is required"),
        ("lora.rank", 8, "train.json: 'lora.rank' is not a field this trainer knows"),
        ("train.lr_scheduler", "step", "train.json: 'train.lr_scheduler': 'step' is not one of"),
        ("train.epochs", 1.5, "train.json: 'train.epochs': 1.5 is not of type 'integer'"),
        ("model.dtype", "fp8", "train.json: 'model.dtype': 'fp8' is not one of"),
        ("contract", 2, "train.json: 'contract': 1 was expected"),
        ("data.max_seq_len", "long", "train.json: 'data.max_seq_len': 'long' is not of type 'integer'"),
    ],
)
def test_a_bad_train_json_is_refused_naming_the_field(path: str, value: object, message: str) -> None:
    with pytest.raises(ConfigError) as refused:
        parse_config(changed(path, value))
    assert str(refused.value).startswith(message), str(refused.value)


def test_the_cross_field_rules_json_schema_cannot_carry() -> None:
    with pytest.raises(ConfigError, match="exactly one of 'train.epochs' and 'train.max_steps'"):
        parse_config(changed("train.epochs", 2))
    with pytest.raises(ConfigError, match="at most one of 'train.warmup_ratio' and 'train.warmup_steps'"):
        parse_config(changed("train.warmup_steps", 2))


def fields_of(cls: type) -> set[str]:
    return {f.name for f in dataclasses.fields(cls)}


def test_every_train_json_field_has_a_setting_in_the_trainer() -> None:
    schema = load_schema("train")
    sections = {
        "model": config_module.ModelConfig,
        "lora": config_module.LoraConfig,
        "train": config_module.TrainSettings,
        "data": config_module.DataSettings,
        "eval": config_module.EvalSettings,
    }
    assert set(schema["properties"]) == fields_of(config_module.TrainConfig)
    for name, cls in sections.items():
        assert set(schema["properties"][name]["properties"]) == fields_of(cls), name


def test_the_trainer_keeps_no_defaults_of_its_own() -> None:
    for cls in (config_module.ModelConfig, config_module.LoraConfig, config_module.TrainSettings, config_module.DataSettings, config_module.EvalSettings, config_module.TrainConfig):
        assert all(f.default is dataclasses.MISSING for f in dataclasses.fields(cls)), cls.__name__


def test_metrics_lines_carry_the_attempt(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("TUNECTL_ATTEMPT", "3")
    writer = MetricsWriter(str(tmp_path / "metrics.jsonl"))
    writer.write("train", step=1, total_steps=4, loss=float("nan"), lr=1e-3, tokens_per_s=None, attempt="3")
    writer.write("summary", step=4, eval_loss=None, first_loss=2.0)
    writer.close()
    lines = [json.loads(line) for line in open(tmp_path / "metrics.jsonl")]
    for line in lines:
        validate(line, "metric-line")
    assert [line["attempt"] for line in lines] == [3, 3]
    assert "loss" not in lines[0] and "eval_loss" not in lines[1]  # not measured: left out, never null


def test_a_bad_attempt_number_is_refused(monkeypatch) -> None:
    monkeypatch.setenv("TUNECTL_ATTEMPT", "two")
    with pytest.raises(ContractError, match="TUNECTL_ATTEMPT must be a whole number"):
        attempt_from_env()


def test_status_json_matches_its_schema(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("TUNECTL_ATTEMPT", "2")
    write_status(str(tmp_path), "stopped", 7, total_steps=10, checkpoint="/output/checkpoints/step-7", attempt="2")
    status = json.load(open(tmp_path / "status.json"))
    validate(status, "status")
    assert status["attempt"] == 2
    with pytest.raises(ContractError, match="status: 'state': 'exploded' is not one of"):
        validate({**status, "state": "exploded"}, "status")


def test_checkpoint_manifests_match_their_schema(tmp_path) -> None:
    def files(directory: str) -> None:
        with open(os.path.join(directory, "adapter_model.bin"), "wb") as handle:
            handle.write(b"weights")

    saved = write_checkpoint(str(tmp_path), 4, files, {"loss": 1.5, "step": 4}, "run-1")
    validate(saved.manifest, "checkpoint-manifest")


def test_check_config_prints_what_the_trainer_took(tmp_path) -> None:
    path = tmp_path / "train.json"
    path.write_text(json.dumps(TINY_CONFIG))
    env = {**os.environ, "PYTHONPATH": TRAINER_ROOT}
    done = subprocess.run([sys.executable, "-m", "trainer.contract", "check-config", str(path)], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    taken = json.loads(done.stdout)
    assert taken["lora"]["target_modules"] == TINY_CONFIG["lora"]["target_modules"]
    assert taken["train"]["warmup_steps"] is None
    path.write_text(json.dumps(changed("lora.bias", "some")))
    refused = subprocess.run([sys.executable, "-m", "trainer.contract", "check-config", str(path)], env=env, capture_output=True, text=True)
    assert refused.returncode == 1 and "'lora.bias': 'some' is not one of" in refused.stderr
