"""`python -m trainer export --checkpoint DIR --out DIR [--merge]`: the adapter in PEFT layout.

The checkpoint's tunectl_adapter.json records the base, dtype and trust_remote_code it was
trained with; `--merge` loads that base the same way training did, applies the adapter with
PEFT and writes full weights plus the tokenizer, so `from_pretrained(--out/merged)` loads it.
"""

from __future__ import annotations

import json
import os
import shutil
from typing import Any, Callable

from .checkpoint import MANIFEST, read_checkpoint

TRAINING_ONLY = {MANIFEST, "trainer_state.pt", "trainer_state.json"}


def adapter_info(checkpoint: str) -> dict[str, Any]:
    path = os.path.join(checkpoint, "tunectl_adapter.json")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as handle:
            return dict(json.load(handle))
    with open(os.path.join(checkpoint, "adapter_config.json"), encoding="utf-8") as handle:
        config = json.load(handle)
    return {"base": config.get("base_model_name_or_path"), "dtype": "auto", "trust_remote_code": False, "tiny": {}}


def export_checkpoint(checkpoint: str, out_dir: str, merge: bool, log: Callable[[str], None]) -> None:
    found = read_checkpoint(checkpoint, verify_hashes=True)
    if found is None:
        raise ValueError(f"{checkpoint} is not a complete checkpoint (missing or invalid manifest.json)")
    os.makedirs(out_dir, exist_ok=True)
    for entry in found.manifest["files"]:
        rel = entry["path"]
        if rel in TRAINING_ONLY:
            continue
        target = os.path.join(out_dir, rel)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copy2(os.path.join(checkpoint, rel), target)
    info = adapter_info(checkpoint)
    log(f"adapter of step {found.step} (base {info['base']}, {info['dtype']}) written to {out_dir}")
    if not merge:
        return
    merged_dir = os.path.join(out_dir, "merged")
    export_merged(checkpoint, merged_dir, info)
    log(f"merged weights written to {merged_dir}")


def export_merged(checkpoint: str, out_dir: str, info: dict[str, Any]) -> None:
    from .backends.hf_load import import_hf, load_base

    _, peft = import_hf()
    tokenizer, model = load_base(
        str(info["base"]), info.get("tiny") or {}, str(info.get("dtype") or "auto"),
        bool(info.get("trust_remote_code")), info.get("revision") or None,
    )
    merged = peft.PeftModel.from_pretrained(model, checkpoint).merge_and_unload()
    merged.config.use_cache = True
    os.makedirs(out_dir, exist_ok=True)
    merged.save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
