"""`python -m trainer export --checkpoint DIR --out DIR [--merge]`: the adapter in PEFT layout."""

from __future__ import annotations

import json
import os
import shutil
from typing import Callable

import torch

from .checkpoint import MANIFEST, read_checkpoint

TRAINING_ONLY = {MANIFEST, "trainer_state.pt", "trainer_state.json"}


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
    with open(os.path.join(checkpoint, "adapter_config.json"), encoding="utf-8") as handle:
        adapter_config = json.load(handle)
    base = adapter_config.get("base_model_name_or_path")
    log(f"adapter of step {found.step} (base {base}) written to {out_dir}")
    if not merge:
        return
    merged_dir = os.path.join(out_dir, "merged")
    os.makedirs(merged_dir, exist_ok=True)
    if base == "builtin:tiny":
        from .backends.tiny import load_for_export, merged_state

        model, config = load_for_export(checkpoint)
        torch.save(merged_state(model), os.path.join(merged_dir, "pytorch_model.bin"))
        with open(os.path.join(merged_dir, "config.json"), "w", encoding="utf-8") as handle:
            json.dump({"model_type": "tunectl-tiny", **config["tiny"]}, handle, indent=2)
    else:
        from .backends.hf import export_merged

        export_merged(checkpoint, merged_dir, str(base), str(adapter_config.get("torch_dtype", "auto")))
    log(f"merged weights written to {merged_dir}")
