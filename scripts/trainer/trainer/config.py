"""The resolved /config/train.json, read into typed settings with defaults.

Unknown fields are ignored so the orchestrator can add fields without breaking older images.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any, Optional


class ConfigError(ValueError):
    """The train.json is unusable; the message names the field."""


@dataclass(frozen=True)
class ModelConfig:
    base: str
    dtype: str = "float32"
    tiny: dict[str, int] = field(default_factory=dict)
    trust_remote_code: bool = False

    @property
    def is_tiny(self) -> bool:
        return self.base == "builtin:tiny"


@dataclass(frozen=True)
class LoraConfig:
    r: int = 8
    alpha: float = 16.0
    dropout: float = 0.0
    target_modules: tuple[str, ...] = ("q_proj", "k_proj", "v_proj", "o_proj")


@dataclass(frozen=True)
class TrainSettings:
    epochs: Optional[int] = None
    max_steps: Optional[int] = None
    micro_batch_size: int = 4
    gradient_accumulation_steps: int = 1
    learning_rate: float = 2e-4
    lr_scheduler: str = "cosine"
    warmup_ratio: float = 0.0
    warmup_steps: Optional[int] = None
    weight_decay: float = 0.0
    max_grad_norm: float = 1.0
    save_steps: int = 100
    eval_steps: Optional[int] = None
    save_total_limit: Optional[int] = None
    logging_steps: int = 1
    seed: int = 42
    gradient_checkpointing: bool = False

    def warmup_for(self, total_steps: int) -> int:
        if self.warmup_steps is not None:
            return max(0, int(self.warmup_steps))
        return int(math.ceil(self.warmup_ratio * total_steps))


@dataclass(frozen=True)
class DataSettings:
    template: str = "alpaca"
    max_seq_len: int = 2048
    packing: bool = False
    train_on_inputs: bool = False


@dataclass(frozen=True)
class TrainConfig:
    run_id: str
    model: ModelConfig
    lora: LoraConfig
    train: TrainSettings
    data: DataSettings


SCHEDULERS = ("constant", "linear", "cosine")


def _section(raw: dict[str, Any], name: str) -> dict[str, Any]:
    value = raw.get(name, {})
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ConfigError(f"train.json: '{name}' must be an object")
    return value


def _pick(section: dict[str, Any], cls: type, prefix: str) -> dict[str, Any]:
    known = cls.__dataclass_fields__  # type: ignore[attr-defined]
    out: dict[str, Any] = {}
    for key, value in section.items():
        if key in known and value is not None:
            out[key] = value
    for key, value in out.items():
        default = known[key].default
        if isinstance(default, bool) and not isinstance(value, bool):
            raise ConfigError(f"train.json: '{prefix}.{key}' must be true or false")
        if isinstance(default, (int, float)) and not isinstance(default, bool):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ConfigError(f"train.json: '{prefix}.{key}' must be a number")
    return out


def parse_config(raw: dict[str, Any]) -> TrainConfig:
    model_raw = _section(raw, "model")
    base = model_raw.get("base")
    if not isinstance(base, str) or not base:
        raise ConfigError("train.json: 'model.base' is required (builtin:tiny, an HF id or a path)")
    model = ModelConfig(
        base=base,
        dtype=str(model_raw.get("dtype") or "float32"),
        tiny=dict(model_raw.get("tiny") or {}),
        trust_remote_code=bool(model_raw.get("trust_remote_code", False)),
    )
    lora_raw = _pick(_section(raw, "lora"), LoraConfig, "lora")
    if "target_modules" in lora_raw:
        targets = lora_raw["target_modules"]
        if isinstance(targets, str):
            targets = [targets]
        lora_raw["target_modules"] = tuple(str(t) for t in targets)
    lora = LoraConfig(**lora_raw)
    train = TrainSettings(**_pick(_section(raw, "train"), TrainSettings, "train"))
    data = DataSettings(**_pick(_section(raw, "data"), DataSettings, "data"))
    check_train(train)
    return TrainConfig(run_id=str(raw.get("run_id") or "run"), model=model, lora=lora, train=train, data=data)


def check_train(train: TrainSettings) -> None:
    if (train.epochs is None) == (train.max_steps is None):
        raise ConfigError("train.json: set exactly one of 'train.epochs' and 'train.max_steps'")
    if train.lr_scheduler not in SCHEDULERS:
        raise ConfigError(f"train.json: 'train.lr_scheduler' must be one of {', '.join(SCHEDULERS)}")
    for name in ("micro_batch_size", "gradient_accumulation_steps", "save_steps", "logging_steps"):
        if getattr(train, name) < 1:
            raise ConfigError(f"train.json: 'train.{name}' must be at least 1")
    if (train.epochs is not None and train.epochs < 1) or (train.max_steps is not None and train.max_steps < 1):
        raise ConfigError("train.json: 'train.epochs' / 'train.max_steps' must be at least 1")


def load_config(path: str) -> TrainConfig:
    try:
        with open(path, encoding="utf-8") as handle:
            raw = json.load(handle)
    except FileNotFoundError as err:
        raise ConfigError(f"config file not found: {path}") from err
    except json.JSONDecodeError as err:
        raise ConfigError(f"{path}: not valid JSON ({err})") from err
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a JSON object")
    return parse_config(raw)
