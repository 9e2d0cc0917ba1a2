"""Checkpoints: manifest written last, interrupted saves never count, retention."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import TRAINER_ROOT
from trainer.checkpoint import MANIFEST, apply_retention, clean_invalid, read_checkpoint, scan, write_checkpoint


def write_two_files(directory: str) -> None:
    for name, size in (("adapter_model.bin", 1000), ("trainer_state.pt", 3000)):
        with open(os.path.join(directory, name), "wb") as handle:
            handle.write(os.urandom(size))


def save(root: str, step: int, eval_loss: float | None = None) -> str:
    metrics = {"loss": 1.0} if eval_loss is None else {"loss": 1.0, "eval_loss": eval_loss}
    return write_checkpoint(root, step, write_two_files, metrics, "r").path


def test_manifest_lists_files_with_sizes_and_hashes(tmp_path) -> None:
    path = save(str(tmp_path), 5)
    manifest = json.load(open(os.path.join(path, MANIFEST)))
    assert manifest["step"] == 5
    assert [f["path"] for f in manifest["files"]] == ["adapter_model.bin", "trainer_state.pt"]
    assert [f["size"] for f in manifest["files"]] == [1000, 3000]
    assert all(len(f["sha256"]) == 64 for f in manifest["files"])
    assert read_checkpoint(path, verify_hashes=True) is not None


def test_manifest_does_not_exist_while_files_are_written(tmp_path) -> None:
    seen: list[bool] = []

    def observe(directory: str) -> None:
        write_two_files(directory)
        seen.append(os.path.exists(os.path.join(directory, MANIFEST)))

    write_checkpoint(str(tmp_path), 1, observe, {}, "r")
    assert seen == [False]


def test_a_save_killed_midway_leaves_no_valid_checkpoint(tmp_path) -> None:
    root = str(tmp_path)
    script = (
        "import os, sys\n"
        "from trainer.checkpoint import write_checkpoint\n"
        "def files(d):\n"
        "    open(os.path.join(d, 'adapter_model.bin'), 'wb').write(b'x' * 100)\n"
        "    os._exit(9)  # killed between the weights and the manifest\n"
        f"write_checkpoint({root!r}, 7, files, {{}}, 'r')\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], env={**os.environ, "PYTHONPATH": TRAINER_ROOT})
    assert proc.returncode == 9
    assert os.path.isdir(os.path.join(root, "step-7"))
    valid, invalid = scan(root)
    assert valid == [] and invalid == [os.path.join(root, "step-7")]
    assert clean_invalid(root) == [os.path.join(root, "step-7")]
    assert not os.path.exists(os.path.join(root, "step-7"))


@pytest.mark.parametrize("damage", ["truncate-file", "bad-json", "wrong-step", "escape"])
def test_damaged_checkpoints_are_invalid(tmp_path, damage: str) -> None:
    path = save(str(tmp_path), 3)
    manifest_path = os.path.join(path, MANIFEST)
    manifest = json.load(open(manifest_path))
    if damage == "truncate-file":
        open(os.path.join(path, "trainer_state.pt"), "wb").write(b"short")
    elif damage == "bad-json":
        open(manifest_path, "w").write('{"step": 3, "files": [')
    elif damage == "wrong-step":
        manifest["step"] = 4
        json.dump(manifest, open(manifest_path, "w"))
    else:
        manifest["files"].append({"path": "../../etc/passwd", "size": 1, "sha256": "0" * 64})
        json.dump(manifest, open(manifest_path, "w"))
    valid, invalid = scan(str(tmp_path))
    assert valid == [] and invalid == [path]


def test_hash_mismatch_fails_verification_only_when_verifying(tmp_path) -> None:
    path = save(str(tmp_path), 2)
    with open(os.path.join(path, "adapter_model.bin"), "r+b") as handle:
        handle.write(b"\0\0\0")
    assert read_checkpoint(path) is not None
    assert read_checkpoint(path, verify_hashes=True) is None


def test_retention_keeps_newest_n_plus_best_eval(tmp_path) -> None:
    root = str(tmp_path)
    losses = {10: 2.0, 20: 1.1, 30: 1.5, 40: 1.7, 50: 1.9}
    for step, loss in losses.items():
        save(root, step, loss)
        apply_retention(root, 2)
    assert [c.step for c in scan(root)[0]] == [20, 40, 50]


def test_retention_without_limit_keeps_everything(tmp_path) -> None:
    root = str(tmp_path)
    for step in (1, 2, 3):
        save(root, step)
    assert apply_retention(root, None) == [] and apply_retention(root, 0) == []
    assert len(scan(root)[0]) == 3
