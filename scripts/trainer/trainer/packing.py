"""Packing examples into sequences and collating micro-batches.

A packed row carries one segment id per token; positions restart at 0 for each record and
for the padding at the row's end, which is how the model is told where records begin
(it attends only within a record). `block_causal_mask` is the same rule as an explicit mask.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from .encode import IGNORE, Example

Row = list[Example]


def pack(examples: list[Example], max_len: int) -> list[Row]:
    rows: list[Row] = []
    current: Row = []
    used = 0
    for example in examples:
        size = len(example.ids)
        if current and used + size > max_len:
            rows.append(current)
            current, used = [], 0
        current.append(example)
        used += size
    if current:
        rows.append(current)
    return rows


def unpacked(examples: list[Example]) -> list[Row]:
    return [[example] for example in examples]


@dataclass
class Batch:
    input_ids: torch.Tensor  # [B, L] long
    targets: torch.Tensor  # [B, L] long, IGNORE where nothing is learned
    position_ids: torch.Tensor  # [B, L] long, restarting per segment
    segment_ids: torch.Tensor  # [B, L] long, -1 on padding
    attention_mask: torch.Tensor  # [B, L] long, 1 on real tokens

    @property
    def real_tokens(self) -> int:
        return int(self.attention_mask.sum().item())

    @property
    def target_tokens(self) -> int:
        return int((self.targets != IGNORE).sum().item())


def collate(rows: list[Row], pad_id: int) -> Batch:
    width = max(sum(len(e.ids) for e in row) for row in rows)
    shape = (len(rows), width)
    input_ids = torch.full(shape, pad_id, dtype=torch.long)
    targets = torch.full(shape, IGNORE, dtype=torch.long)
    position_ids = torch.zeros(shape, dtype=torch.long)
    segment_ids = torch.full(shape, -1, dtype=torch.long)
    for b, row in enumerate(rows):
        start = 0
        for s, example in enumerate(row):
            n = len(example.ids)
            end = start + n
            input_ids[b, start:end] = torch.tensor(example.ids, dtype=torch.long)
            targets[b, start:end] = torch.tensor(example.targets(), dtype=torch.long)
            position_ids[b, start:end] = torch.arange(n, dtype=torch.long)
            segment_ids[b, start:end] = s
            start = end
        position_ids[b, start:] = torch.arange(width - start, dtype=torch.long)
    attention_mask = (segment_ids >= 0).long()
    return Batch(input_ids, targets, position_ids, segment_ids, attention_mask)


def block_causal_mask(segment_ids: torch.Tensor) -> torch.Tensor:
    """[B, 1, L, L] bool: query i may see key j iff j <= i and both are in the same segment."""
    length = segment_ids.shape[1]
    causal = torch.ones(length, length, dtype=torch.bool).tril()
    same = segment_ids.unsqueeze(2) == segment_ids.unsqueeze(1)
    real = (segment_ids >= 0).unsqueeze(1)
    mask = causal.unsqueeze(0) & same & real
    # padding queries see themselves so softmax never meets an all-masked row
    eye = torch.eye(length, dtype=torch.bool).unsqueeze(0)
    return (mask | eye).unsqueeze(1)
