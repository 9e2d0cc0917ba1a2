"""Packing examples into sequences and collating micro-batches.

A packed row carries one segment id per token; positions restart at 0 for each record and
for the padding at the row's end, which is how the model is told where records begin
(it attends only within a record). `block_causal_mask` is the same rule as an explicit mask.
`flatten` lays a micro batch's records end to end in one row without padding, with their
boundaries (`cu_seqlens`), for a backend whose attention runs record by record.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

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
    cu_seqlens: Optional[torch.Tensor] = None  # flattened only: [records + 1] int32, where each record starts

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


def flatten(batch: Batch) -> Batch:
    """The batch's records end to end in one row [1, N] with no padding: the same tokens, targets and loss.

    Positions still restart per record; `cu_seqlens` holds the record boundaries (0, end of the
    first, ..., N) so attention can run on each record alone instead of on an N x N mask.
    """
    real = batch.segment_ids >= 0  # row-major: the records keep their order
    position_ids = batch.position_ids[real]
    starts = (position_ids == 0).nonzero().flatten()
    cu_seqlens = torch.cat([starts, torch.tensor([position_ids.numel()])]).to(torch.int32)
    segment_ids = torch.cumsum((position_ids == 0).long(), 0) - 1
    return Batch(
        batch.input_ids[real][None], batch.targets[real][None], position_ids[None], segment_ids[None],
        torch.ones((1, position_ids.numel()), dtype=torch.long), cu_seqlens,
    )


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
