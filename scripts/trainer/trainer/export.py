"""`python -m trainer export --checkpoint DIR --out DIR [--merge] [--run-id ID]`: checkpoints people can use.

The checkpoint's tunectl_adapter.json records the base, revision, dtype and trust_remote_code
it was trained with. `--out` receives the adapter in PEFT layout with the base's tokenizer, so
`PeftModel.from_pretrained(base, out)` and `AutoTokenizer.from_pretrained(out)` load it. A
`builtin:tiny` base exists nowhere but in this trainer, so it is written to `out/base/` (a
plain Llama directory). `--merge` also loads the base the way training did, applies the
adapter with PEFT and writes full weights plus the tokenizer to `out/merged/`, so
`AutoModelForCausalLM.from_pretrained(out/merged)` loads it. Each directory gets a
tunectl_export.json saying what it holds and how to load it.
"""

from __future__ import annotations

import json
import os
import shutil
from typing import Any, Callable, Optional

from .checkpoint import MANIFEST, read_checkpoint

TRAINING_ONLY = {MANIFEST, "trainer_state.pt", "trainer_state.json"}
EXPORT_INFO = "tunectl_export.json"
TINY_BASE_DIR = "base"


def adapter_info(checkpoint: str) -> dict[str, Any]:
    path = os.path.join(checkpoint, "tunectl_adapter.json")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as handle:
            return dict(json.load(handle))
    with open(os.path.join(checkpoint, "adapter_config.json"), encoding="utf-8") as handle:
        config = json.load(handle)
    return {"base": config.get("base_model_name_or_path"), "dtype": "auto", "trust_remote_code": False, "tiny": {}}


def export_checkpoint(
    checkpoint: str, out_dir: str, merge: bool, log: Callable[[str], None], run_id: Optional[str] = None
) -> None:
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
    record = {
        "format": 1, "run": run_id, "step": found.step, "metrics": found.manifest.get("metrics", {}),
        "base": info["base"], "revision": info.get("revision"), "dtype": info.get("dtype") or "auto",
        "trust_remote_code": bool(info.get("trust_remote_code")),
    }
    base_dir = write_base_files(out_dir, info)
    write_record(out_dir, {**record, "merged": False, "base_dir": base_dir})
    log(f"adapter of step {found.step} (base {info['base']}, {record['dtype']}) written to {out_dir}")
    if not merge:
        return
    merged_dir = os.path.join(out_dir, "merged")
    dtype = export_merged(checkpoint, merged_dir, info)
    write_record(merged_dir, {**record, "merged": True, "dtype": dtype, "base_dir": None})
    log(f"merged weights ({dtype}) written to {merged_dir}")


def write_record(directory: str, record: dict[str, Any]) -> None:
    with open(os.path.join(directory, EXPORT_INFO), "w", encoding="utf-8") as handle:
        json.dump(record, handle, indent=2)
        handle.write("\n")


def write_base_files(out_dir: str, info: dict[str, Any]) -> Optional[str]:
    """The base's tokenizer beside the adapter; for builtin:tiny the base itself. Returns base/ or None."""
    from .backends.hf_load import import_hf, load_pretrained, resolve_base
    from .backends.tiny_base import TINY

    transformers, _ = import_hf()
    base = str(info["base"])
    where = resolve_base(base, info.get("tiny") or {})
    pinned = {"revision": info["revision"]} if info.get("revision") else {}
    tokenizer = load_pretrained(
        transformers.AutoTokenizer.from_pretrained, where, base,
        trust_remote_code=bool(info.get("trust_remote_code")), **pinned,
    )
    tokenizer.save_pretrained(out_dir)
    if base != TINY:
        return None
    target = os.path.join(out_dir, TINY_BASE_DIR)
    shutil.copytree(where, target, ignore=shutil.ignore_patterns(".complete"))
    return TINY_BASE_DIR


def export_merged(checkpoint: str, out_dir: str, info: dict[str, Any]) -> str:
    """Writes base + adapter merged; returns the dtype of the written weights."""
    from .backends.hf_load import import_hf, load_base

    _, peft = import_hf()
    tokenizer, model = load_base(
        str(info["base"]), info.get("tiny") or {}, str(info.get("dtype") or "auto"),
        bool(info.get("trust_remote_code")), info.get("revision") or None,
    )
    adapted = peft.PeftModel.from_pretrained(model, checkpoint)
    untie_adapted_embeddings(adapted.get_base_model())
    merged = adapted.merge_and_unload()
    merged.config.use_cache = True
    os.makedirs(out_dir, exist_ok=True)
    merged.save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
    return str(merged.dtype).replace("torch.", "")


def untie_adapted_embeddings(model: Any) -> None:
    """Gives the output head its own copy of tied embeddings when the adapter changes either one.

    In training a LoRA on a tied `lm_head` (or on `embed_tokens`) changes only that module's
    use of the shared matrix. Merging it into the shared matrix would change the other use too,
    so the merged model would answer differently from the one trained.
    """
    import torch

    config = model.config.get_text_config()
    head, embeddings = model.get_output_embeddings(), model.get_input_embeddings()
    if not getattr(config, "tie_word_embeddings", False) or head is None:
        return
    if not (hasattr(head, "base_layer") or hasattr(embeddings, "base_layer")):
        return
    inner = getattr(head, "base_layer", head)
    inner.weight = torch.nn.Parameter(inner.weight.detach().clone(), requires_grad=False)
    config.tie_word_embeddings = False
    model.config.tie_word_embeddings = False
