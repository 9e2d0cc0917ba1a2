"""The resolved /config/train.json, read into typed settings.

The orchestrator sends every value resolved (tunectl's zod schemas hold the only defaults), and
the document is checked against schemas/train.schema.json first: a missing, mistyped or unknown
field is refused with its name, never guessed or dropped.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, fields
from typing import Any, Optional

from .contract import ContractError, validate


class ConfigError(ValueError):
    """The train.json is unusable; the message names the field."""


@dataclass(frozen=True)
class ModelConfig:
    base: str
    revision: Optional[str]
    dtype: str
    trust_remote_code: bool
    tiny: dict[str, int]

    @property
    def is_tiny(self) -> bool:
        return self.base == "builtin:tiny"


@dataclass(frozen=True)
class LoraConfig:
    r: int
    alpha: float
    dropout: float
    target_modules: tuple[str, ...]
    bias: str


@dataclass(frozen=True)
class TrainSettings:
    epochs: Optional[int]
    max_steps: Optional[int]
    micro_batch_size: int
    gradient_accumulation_steps: int
    learning_rate: float
    lr_scheduler: str
    warmup_ratio: Optional[float]
    warmup_steps: Optional[int]
    weight_decay: float
    max_grad_norm: float
    save_steps: int
    eval_steps: Optional[int]
    save_total_limit: int
    logging_steps: int
    seed: int
    gradient_checkpointing: bool

    def warmup_for(self, total_steps: int) -> int:
        if self.warmup_steps is not None:
            return max(0, int(self.warmup_steps))
        return int(math.ceil((self.warmup_ratio or 0.0) * total_steps))


@dataclass(frozen=True)
class DataSettings:
    template: str
    max_seq_len: int
    packing: bool
    train_on_inputs: bool


@dataclass(frozen=True)
class WandbSettings:
    project: Optional[str]
    entity: Optional[str]
    name: str
    tags: tuple[str, ...]
    mode: Optional[str]


@dataclass(frozen=True)
class TrackingSettings:
    tensorboard: bool
    wandb: Optional[WandbSettings]


@dataclass(frozen=True)
class EvalSettings:
    # Each {"id", "record"}: the record a rendered prompt's context. None: train.json has none
    # (the experiment set none), and generations.py asks the first eval records' contexts.
    prompts: Optional[tuple[dict[str, Any], ...]]


@dataclass(frozen=True)
class TrainConfig:
    contract: int
    run_id: str
    name: str
    model: ModelConfig
    lora: LoraConfig
    train: TrainSettings
    data: DataSettings
    tracking: TrackingSettings
    eval: EvalSettings


def _take(cls: type, section: dict[str, Any]) -> Any:
    """Every field of `cls` from the validated section; optional ones absent are None."""
    return cls(**{f.name: section.get(f.name) for f in fields(cls)})


def parse_config(raw: dict[str, Any]) -> TrainConfig:
    try:
        validate(raw, "train", "train.json")
    except ContractError as err:
        raise ConfigError(str(err)) from err
    model = _take(ModelConfig, {**raw["model"], "tiny": dict(raw["model"].get("tiny") or {})})
    lora = _take(LoraConfig, {**raw["lora"], "target_modules": tuple(raw["lora"]["target_modules"])})
    train = _take(TrainSettings, raw["train"])
    data = _take(DataSettings, raw["data"])
    wandb = raw["tracking"].get("wandb")
    tracking = TrackingSettings(
        tensorboard=raw["tracking"]["tensorboard"],
        wandb=_take(WandbSettings, {**wandb, "tags": tuple(wandb["tags"])}) if wandb is not None else None,
    )
    check_train(train)
    prompts = (raw.get("eval") or {}).get("prompts")
    evals = EvalSettings(None if prompts is None else tuple(prompts))
    return TrainConfig(raw["contract"], raw["run_id"], raw["name"], model, lora, train, data, tracking, evals)


def check_train(train: TrainSettings) -> None:
    """The cross-field rules JSON Schema does not carry (tunectl's src/config/schema/rules.ts)."""
    if (train.epochs is None) == (train.max_steps is None):
        raise ConfigError("train.json: set exactly one of 'train.epochs' and 'train.max_steps'")
    if train.warmup_ratio is not None and train.warmup_steps is not None:
        raise ConfigError("train.json: set at most one of 'train.warmup_ratio' and 'train.warmup_steps'")


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
