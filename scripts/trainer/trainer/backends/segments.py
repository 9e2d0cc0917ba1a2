"""sdpa record by record: the attention a flattened packed batch (`packing.flatten`) trains with.

Registered in transformers' AttentionInterface as `tunectl_sdpa_segments`, with sdpa's own mask
function. Given the record boundaries (`cu_seq_lens_q`, the name flash attention's varlen path
uses, forwarded by the model to every attention layer) it runs causal sdpa on each record
alone: no record sees another, no N x N mask is built, and the causal kernel skips the upper
triangle. Without boundaries (unpacked rows, evaluation of other layouts, generation with a KV
cache) it is exactly sdpa.
"""

from __future__ import annotations

from typing import Any, Optional

import torch
import torch.nn.functional as F

NAME = "tunectl_sdpa_segments"


class Calls:
    """How many attention layers took the record-by-record path: a flattened forward that took none
    would have attended across records, so the backend checks this after each one."""

    count = 0


def segment_attention(
    module: torch.nn.Module, query: torch.Tensor, key: torch.Tensor, value: torch.Tensor,
    attention_mask: Optional[torch.Tensor], dropout: float = 0.0, scaling: Optional[float] = None,
    cu_seq_lens_q: Optional[torch.Tensor] = None, **kwargs: Any,
) -> tuple[torch.Tensor, None]:
    from transformers.integrations.sdpa_attention import repeat_kv, sdpa_attention_forward

    if cu_seq_lens_q is None:
        return sdpa_attention_forward(module, query, key, value, attention_mask, dropout=dropout, scaling=scaling, **kwargs)
    if query.shape[0] != 1 or query.shape[2] != key.shape[2] or not getattr(module, "is_causal", True):
        raise ValueError("record-by-record attention takes one flattened causal row without a KV cache")
    groups = getattr(module, "num_key_value_groups", 1)
    if groups > 1:
        key, value = repeat_kv(key, groups), repeat_kv(value, groups)
    window = kwargs.get("sliding_window") or None
    bounds = cu_seq_lens_q.tolist()
    outputs = []
    for start, end in zip(bounds[:-1], bounds[1:]):
        q, k, v = query[:, :, start:end], key[:, :, start:end], value[:, :, start:end]
        length = end - start
        if window is None or length <= window:
            out = F.scaled_dot_product_attention(q, k, v, dropout_p=dropout, is_causal=True, scale=scaling)
        else:  # a record longer than the sliding window: causal within the window
            i = torch.arange(length, device=q.device)
            allowed = (i[None, :] <= i[:, None]) & (i[:, None] - i[None, :] < window)
            out = F.scaled_dot_product_attention(q, k, v, attn_mask=allowed, dropout_p=dropout, scale=scaling)
        outputs.append(out)
    Calls.count += 1
    return torch.cat(outputs, dim=2).transpose(1, 2).contiguous(), None


def register() -> str:
    from transformers import AttentionInterface
    from transformers.masking_utils import AttentionMaskInterface, sdpa_mask

    AttentionInterface.register(NAME, segment_attention)
    AttentionMaskInterface.register(NAME, sdpa_mask)
    return NAME
