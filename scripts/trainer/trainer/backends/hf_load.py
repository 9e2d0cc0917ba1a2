"""Loading a base model and tokenizer: a hub id, a local directory, or `builtin:tiny`.

transformers and peft are imported here only when a model is actually loaded.
"""

from __future__ import annotations

import os
import re
from typing import Any, Callable, Optional

import torch

from .base import BackendUnavailable, ModelNotFound
from .tiny_base import TINY, materialize

DTYPES: dict[str, Any] = {
    "float32": torch.float32,
    "fp32": torch.float32,
    "bf16": torch.bfloat16,
    "bfloat16": torch.bfloat16,
    "fp16": torch.float16,
    "float16": torch.float16,
    "auto": "auto",
}
HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*(/[\w.-]+)?$")


def import_hf() -> tuple[Any, Any]:
    try:
        import peft
        import transformers
    except ImportError as err:
        raise BackendUnavailable(
            f"the trainer needs transformers and peft, which this Python lacks ({err.name} missing); "
            "install scripts/trainer/requirements.lock (pip install --require-hashes -r ...)"
        ) from err
    transformers.utils.logging.disable_progress_bar()
    return transformers, peft


def hf_token() -> Optional[str]:
    return os.environ.get("HF_TOKEN") or os.environ.get("HUGGING_FACE_HUB_TOKEN") or None


def dtype_of(name: str) -> Any:
    dtype = DTYPES.get(name)
    if dtype is None:
        raise ValueError(f"model.dtype '{name}' is not one of {', '.join(DTYPES)}")
    return dtype


def dtype_kwargs(transformers: Any, dtype: Any) -> dict[str, Any]:
    """transformers >= 4.56 takes `dtype`; older releases only know the now deprecated `torch_dtype`."""
    major, minor = (int(part) for part in transformers.__version__.split(".")[:2])
    return {"dtype": dtype} if (major, minor) >= (4, 56) else {"torch_dtype": dtype}


def resolve_base(base: str, tiny: dict[str, Any]) -> str:
    """What from_pretrained is given: the tiny model's local directory, a path, or a hub id."""
    if base == TINY:
        return materialize(tiny)
    if base.startswith(("/", "./", "../", "~")):
        path = os.path.expanduser(base)
        if not os.path.exists(path):
            raise ModelNotFound(f"model path '{base}' does not exist on this host")
        return path
    if not HUB_ID.match(base):
        raise ModelNotFound(f"model '{base}' is neither a local path nor a hub id (owner/name)")
    return base


def load_pretrained(loader: Callable[..., Any], base: str, shown: str, **kwargs: Any) -> Any:
    try:
        return loader(base, token=hf_token(), **kwargs)
    except OSError as err:
        # unknown ids, gated repos, no network, or HF_HUB_OFFLINE=1 with nothing cached
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        offline = " (HF_HUB_OFFLINE is set: only the local cache was searched)" if os.environ.get("HF_HUB_OFFLINE") not in (None, "", "0") else ""
        raise ModelNotFound(f"model '{shown}' not found or not accessible{offline}: {first}") from err


def load_base(
    base: str, tiny: dict[str, Any], dtype_name: str, trust_remote_code: bool, revision: Optional[str] = None
) -> tuple[Any, Any]:
    """(tokenizer, model) loaded the same way for every kind of base."""
    transformers, _ = import_hf()
    dtype = dtype_of(dtype_name)
    where = resolve_base(base, tiny)
    pinned = {"revision": revision} if revision else {}
    tokenizer = load_pretrained(
        transformers.AutoTokenizer.from_pretrained, where, base, trust_remote_code=trust_remote_code, **pinned
    )
    model = load_pretrained(
        transformers.AutoModelForCausalLM.from_pretrained, where, base,
        trust_remote_code=trust_remote_code, **pinned, **dtype_kwargs(transformers, dtype),
    )
    model.config.use_cache = False
    return tokenizer, model
