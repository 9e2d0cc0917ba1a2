"""What the shared training loop needs from a backend."""

from __future__ import annotations

from typing import Protocol

import torch

from ..encode import Tokenizer
from ..packing import Batch


class ModelNotFound(RuntimeError):
    """The configured base model does not exist or cannot be read."""


class BackendUnavailable(RuntimeError):
    """A package the backend needs is not installed in this image."""


class Backend(Protocol):
    name: str
    tokenizer: Tokenizer
    model: torch.nn.Module
    device: torch.device
    supports_packing: bool
    flat_packing: bool  # packed micro batches are given flattened (`packing.flatten`)

    def logits(self, batch: Batch) -> torch.Tensor:
        """[B, L, V] next-token logits for a collated (or flattened: B = 1) batch."""
        ...

    def trainable_parameters(self) -> list[torch.nn.Parameter]: ...

    def save_adapter(self, directory: str) -> None:
        """Write the adapter in the PEFT layout (adapter_config.json + weights)."""
        ...

    def load_adapter(self, directory: str) -> None: ...
