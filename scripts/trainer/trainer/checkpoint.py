"""checkpoints/step-<N>/: files first, then manifest.json (atomic rename) as the commit mark.

A directory without a manifest whose listed files all exist with the listed sizes is not a
checkpoint: it is ignored and, when training starts or saves, removed.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import shutil
import time
from dataclasses import dataclass
from typing import Any, Callable, Optional

MANIFEST = "manifest.json"
STEP_DIR = re.compile(r"^step-(\d+)$")
FORMAT = 1


@dataclass(frozen=True)
class Checkpoint:
    step: int
    path: str
    manifest: dict[str, Any]

    @property
    def eval_loss(self) -> Optional[float]:
        value = self.manifest.get("metrics", {}).get("eval_loss")
        return float(value) if isinstance(value, (int, float)) else None


def _fsync_dir(path: str) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _hash_and_sync(path: str) -> tuple[int, str]:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
        os.fsync(handle.fileno())
    return os.path.getsize(path), digest.hexdigest()


def finite(value: Any) -> Any:
    """JSON has no NaN or Infinity: a non-finite number is written as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [finite(v) for v in value]
    return value


def write_json_atomic(path: str, value: Any) -> None:
    tmp = f"{path}.tmp"
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(finite(value), handle, indent=2, allow_nan=False)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    _fsync_dir(os.path.dirname(os.path.abspath(path)))


def remove_checkpoint(path: str) -> None:
    """Invalidate first (drop the manifest), then delete, so a crash never leaves a half-deleted 'valid' one."""
    manifest = os.path.join(path, MANIFEST)
    if os.path.exists(manifest):
        os.remove(manifest)
    shutil.rmtree(path, ignore_errors=True)


def write_checkpoint(
    root: str, step: int, write_files: Callable[[str], None], metrics: dict[str, Any], run_id: str
) -> Checkpoint:
    path = os.path.join(root, f"step-{step}")
    if os.path.exists(path):
        remove_checkpoint(path)
    os.makedirs(path)
    write_files(path)
    files = []
    for dirpath, _, names in os.walk(path):
        for name in sorted(names):
            full = os.path.join(dirpath, name)
            size, sha = _hash_and_sync(full)
            files.append({"path": os.path.relpath(full, path), "size": size, "sha256": sha})
    manifest = {
        "format": FORMAT,
        "run_id": run_id,
        "step": step,
        "created": time.time(),
        "metrics": metrics,
        "files": sorted(files, key=lambda f: f["path"]),
    }
    _fsync_dir(path)
    write_json_atomic(os.path.join(path, MANIFEST), manifest)
    return Checkpoint(step, path, manifest)


def read_checkpoint(path: str, verify_hashes: bool = False) -> Optional[Checkpoint]:
    try:
        with open(os.path.join(path, MANIFEST), encoding="utf-8") as handle:
            manifest = json.load(handle)
        step = int(manifest["step"])
        for entry in manifest["files"]:
            rel = str(entry["path"])
            full = os.path.normpath(os.path.join(path, rel))
            if rel.startswith("/") or not full.startswith(os.path.normpath(path) + os.sep):
                return None
            if os.path.getsize(full) != int(entry["size"]):
                return None
            if verify_hashes and _hash_and_sync(full)[1] != entry["sha256"]:
                return None
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return Checkpoint(step, path, manifest)


def scan(root: str) -> tuple[list[Checkpoint], list[str]]:
    """Valid checkpoints sorted by step, and step directories that are not valid."""
    valid: list[Checkpoint] = []
    invalid: list[str] = []
    if not os.path.isdir(root):
        return valid, invalid
    for name in os.listdir(root):
        match = STEP_DIR.match(name)
        path = os.path.join(root, name)
        if not match or not os.path.isdir(path):
            continue
        found = read_checkpoint(path)
        if found is None or found.step != int(match.group(1)):
            invalid.append(path)
        else:
            valid.append(found)
    return sorted(valid, key=lambda c: c.step), sorted(invalid)


def clean_invalid(root: str) -> list[str]:
    _, invalid = scan(root)
    for path in invalid:
        remove_checkpoint(path)
    return invalid


def apply_retention(root: str, limit: Optional[int], protect: tuple[str, ...] = ()) -> list[str]:
    """Keep the newest `limit` checkpoints plus the best by eval loss; return removed paths."""
    if not limit or limit < 1:
        return []
    valid, _ = scan(root)
    keep = {c.path for c in valid[-limit:]}
    with_eval = [c for c in valid if c.eval_loss is not None]
    if with_eval:
        keep.add(min(with_eval, key=lambda c: (c.eval_loss, c.step)).path)
    keep.update(os.path.abspath(p) for p in protect)
    removed = []
    for c in valid:
        if c.path not in keep and os.path.abspath(c.path) not in keep:
            remove_checkpoint(c.path)
            removed.append(c.path)
    return removed
