"""LoRA for plain nn.Linear modules, named like PEFT (`<module>.lora_A.weight`)."""

from __future__ import annotations

import math

import torch
from torch import nn


class LoraLinear(nn.Module):
    def __init__(self, base: nn.Linear, r: int, alpha: float, dropout: float) -> None:
        super().__init__()
        self.base_layer = base
        self.lora_A = nn.Linear(base.in_features, r, bias=False)
        self.lora_B = nn.Linear(r, base.out_features, bias=False)
        self.lora_dropout = nn.Dropout(dropout) if dropout > 0 else nn.Identity()
        self.scaling = alpha / r
        nn.init.kaiming_uniform_(self.lora_A.weight, a=math.sqrt(5))
        nn.init.zeros_(self.lora_B.weight)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.base_layer(x) + self.lora_B(self.lora_A(self.lora_dropout(x))) * self.scaling

    def merged(self) -> nn.Linear:
        out = nn.Linear(self.base_layer.in_features, self.base_layer.out_features, bias=self.base_layer.bias is not None)
        with torch.no_grad():
            delta = self.lora_B.weight @ self.lora_A.weight * self.scaling
            out.weight.copy_(self.base_layer.weight + delta)
            if self.base_layer.bias is not None:
                out.bias.copy_(self.base_layer.bias)
        return out


def inject_lora(model: nn.Module, targets: tuple[str, ...], r: int, alpha: float, dropout: float) -> list[str]:
    """Freeze `model` and wrap every nn.Linear whose last name part is in `targets`."""
    for parameter in model.parameters():
        parameter.requires_grad_(False)
    wrapped: list[str] = []
    for name, module in list(model.named_modules()):
        for child_name, child in list(module.named_children()):
            if isinstance(child, nn.Linear) and child_name in targets:
                setattr(module, child_name, LoraLinear(child, r, alpha, dropout))
                wrapped.append(f"{name}.{child_name}" if name else child_name)
    return wrapped


def merge_lora(model: nn.Module) -> None:
    for module in list(model.modules()):
        for child_name, child in list(module.named_children()):
            if isinstance(child, LoraLinear):
                setattr(module, child_name, child.merged())


def lora_state_dict(model: nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.detach().clone() for k, v in model.state_dict().items() if ".lora_A." in k or ".lora_B." in k}
