"""Which rows each optimizer step trains on: a pure function of (seed, step).

Each epoch is a seeded permutation of the rows; an epoch has ceil(rows / micro_batch) micro
batches, grouped `gradient_accumulation_steps` at a time (the last group may be shorter).
With `max_steps` the epochs simply continue. Resume therefore needs only the step number.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import torch


@dataclass(frozen=True)
class Plan:
    rows: int
    micro_batch_size: int
    accumulation: int
    seed: int
    epochs: int | None
    max_steps: int | None

    @property
    def micro_batches_per_epoch(self) -> int:
        return math.ceil(self.rows / self.micro_batch_size)

    @property
    def steps_per_epoch(self) -> int:
        return math.ceil(self.micro_batches_per_epoch / self.accumulation)

    @property
    def total_steps(self) -> int:
        if self.max_steps is not None:
            return self.max_steps
        return self.steps_per_epoch * int(self.epochs or 1)

    def epoch_of(self, step: int) -> int:
        return (step - 1) // self.steps_per_epoch

    def epoch_progress(self, step: int) -> float:
        return round(step / self.steps_per_epoch, 4)

    def micro_batches(self, step: int) -> list[list[int]]:
        epoch = self.epoch_of(step)
        order = _permutation(self.seed, epoch, self.rows)
        first = ((step - 1) % self.steps_per_epoch) * self.accumulation
        last = min(first + self.accumulation, self.micro_batches_per_epoch)
        size = self.micro_batch_size
        return [order[i * size : (i + 1) * size] for i in range(first, last)]


@lru_cache(maxsize=4)
def _permutation(seed: int, epoch: int, rows: int) -> list[int]:
    generator = torch.Generator()
    generator.manual_seed(seed * 1_000_003 + epoch)
    return torch.randperm(rows, generator=generator).tolist()
