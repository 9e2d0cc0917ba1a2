"""A small GPT in plain PyTorch (no scaled_dot_product_attention: runs on torch 1.13).

Rotary positions come from explicit position ids and attention takes an explicit mask, so
packed rows (positions restarting per record, block-diagonal causal mask) need nothing special.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.checkpoint import checkpoint

from .tiny_tokenizer import VOCAB_SIZE


@dataclass(frozen=True)
class TinyDims:
    n_layer: int = 2
    n_head: int = 4
    n_embd: int = 64
    vocab_size: int = VOCAB_SIZE
    init_seed: int = 0  # the "pretrained" base weights are this seed's init, same in every run

    @staticmethod
    def from_overrides(overrides: dict[str, Any]) -> "TinyDims":
        known = TinyDims.__dataclass_fields__
        return TinyDims(**{k: int(v) for k, v in overrides.items() if k in known})

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def rotary(x: torch.Tensor, position_ids: torch.Tensor) -> torch.Tensor:
    """x: [B, H, L, D]; position_ids: [B, L]."""
    half = x.shape[-1] // 2
    inv_freq = 1.0 / (10000 ** (torch.arange(0, half, dtype=torch.float32, device=x.device) / half))
    angles = position_ids.to(torch.float32).unsqueeze(-1) * inv_freq  # [B, L, half]
    cos = angles.cos().unsqueeze(1)
    sin = angles.sin().unsqueeze(1)
    x1, x2 = x[..., :half], x[..., half:]
    return torch.cat([x1 * cos - x2 * sin, x1 * sin + x2 * cos], dim=-1)


class Attention(nn.Module):
    def __init__(self, dims: TinyDims) -> None:
        super().__init__()
        self.n_head = dims.n_head
        self.q_proj = nn.Linear(dims.n_embd, dims.n_embd, bias=False)
        self.k_proj = nn.Linear(dims.n_embd, dims.n_embd, bias=False)
        self.v_proj = nn.Linear(dims.n_embd, dims.n_embd, bias=False)
        self.o_proj = nn.Linear(dims.n_embd, dims.n_embd, bias=False)

    def forward(self, x: torch.Tensor, position_ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        b, length, width = x.shape
        shape = (b, length, self.n_head, width // self.n_head)
        q = rotary(self.q_proj(x).view(shape).transpose(1, 2), position_ids)
        k = rotary(self.k_proj(x).view(shape).transpose(1, 2), position_ids)
        v = self.v_proj(x).view(shape).transpose(1, 2)
        scores = (q @ k.transpose(-2, -1)) / math.sqrt(shape[-1])
        scores = scores.masked_fill(~mask, float("-inf"))
        out = F.softmax(scores, dim=-1) @ v
        return self.o_proj(out.transpose(1, 2).reshape(b, length, width))


class Mlp(nn.Module):
    def __init__(self, dims: TinyDims) -> None:
        super().__init__()
        self.up_proj = nn.Linear(dims.n_embd, 4 * dims.n_embd, bias=False)
        self.down_proj = nn.Linear(4 * dims.n_embd, dims.n_embd, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.down_proj(F.gelu(self.up_proj(x)))


class Block(nn.Module):
    def __init__(self, dims: TinyDims) -> None:
        super().__init__()
        self.input_norm = nn.LayerNorm(dims.n_embd)
        self.self_attn = Attention(dims)
        self.post_attention_norm = nn.LayerNorm(dims.n_embd)
        self.mlp = Mlp(dims)

    def forward(self, x: torch.Tensor, position_ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        x = x + self.self_attn(self.input_norm(x), position_ids, mask)
        return x + self.mlp(self.post_attention_norm(x))


class TinyGPT(nn.Module):
    def __init__(self, dims: TinyDims) -> None:
        super().__init__()
        if dims.n_embd % dims.n_head or (dims.n_embd // dims.n_head) % 2:
            raise ValueError("tiny model: n_embd / n_head must be an even integer")
        self.dims = dims
        self.gradient_checkpointing = False
        self.embed_tokens = nn.Embedding(dims.vocab_size, dims.n_embd)
        self.layers = nn.ModuleList(Block(dims) for _ in range(dims.n_layer))
        self.norm = nn.LayerNorm(dims.n_embd)
        self.lm_head = nn.Linear(dims.n_embd, dims.vocab_size, bias=False)
        self.apply(self._init)
        # Tied input/output embeddings at std 1/sqrt(n_embd): a frozen random head at std 0.02
        # caps every logit near 1 (loss stuck near 4.5 whatever LoRA learns), and tying lets
        # attention copy a token's embedding straight into a prediction of that token.
        nn.init.normal_(self.embed_tokens.weight, mean=0.0, std=dims.n_embd**-0.5)
        self.lm_head.weight = self.embed_tokens.weight

    @staticmethod
    def _init(module: nn.Module) -> None:
        if isinstance(module, (nn.Linear, nn.Embedding)):
            nn.init.normal_(module.weight, mean=0.0, std=0.02)

    def forward(self, input_ids: torch.Tensor, position_ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        x = self.embed_tokens(input_ids)
        for layer in self.layers:
            if self.gradient_checkpointing and self.training:
                x = checkpoint(layer, x, position_ids, mask, use_reentrant=False)
            else:
                x = layer(x, position_ids, mask)
        return self.lm_head(self.norm(x))


def build_base(dims: TinyDims) -> TinyGPT:
    """Deterministic base weights, independent of (and not disturbing) the training seed."""
    saved = torch.get_rng_state()
    try:
        torch.manual_seed(dims.init_seed)
        return TinyGPT(dims)
    finally:
        torch.set_rng_state(saved)
