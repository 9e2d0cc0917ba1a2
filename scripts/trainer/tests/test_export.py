"""export: the adapter in PEFT layout, and tiny merged weights that compute the same logits."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import torch

from conftest import TRAINER_ROOT, Workspace, alpaca_segments, demo_records, make_config
from trainer.backends.tiny import load_for_export
from trainer.backends.tiny_model import TinyDims, TinyGPT, build_base
from trainer.packing import block_causal_mask


def test_export_and_merge(workspace: Workspace) -> None:
    cfg = make_config(train={"max_steps": 3, "save_steps": 3, "learning_rate": 5e-2})
    assert workspace.setup(cfg, [alpaca_segments(r) for r in demo_records()[:12]]).run().returncode == 0
    checkpoint = os.path.join(workspace.output, "checkpoints", "step-3")
    out = os.path.join(workspace.root, "export")
    cmd = [sys.executable, "-m", "trainer", "export", "--checkpoint", checkpoint, "--out", out, "--merge"]
    done = subprocess.run(cmd, env={**os.environ, "PYTHONPATH": TRAINER_ROOT}, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert sorted(os.listdir(out)) == ["adapter_config.json", "adapter_model.bin", "merged"]
    adapter_config = json.load(open(os.path.join(out, "adapter_config.json")))
    assert adapter_config["peft_type"] == "LORA" and adapter_config["base_model_name_or_path"] == "builtin:tiny"

    lora_model, _ = load_for_export(checkpoint)
    merged_config = json.load(open(os.path.join(out, "merged", "config.json")))
    merged = TinyGPT(TinyDims.from_overrides(merged_config))
    merged.load_state_dict(torch.load(os.path.join(out, "merged", "pytorch_model.bin")))
    ids = torch.tensor([[257, 72, 105, 33, 258]])
    pos = torch.arange(5).unsqueeze(0)
    mask = block_causal_mask(torch.zeros(1, 5, dtype=torch.long))
    lora_model.eval(), merged.eval()
    with torch.no_grad():
        assert torch.allclose(lora_model(ids, pos, mask), merged(ids, pos, mask), atol=1e-5)
        # and the adapter really changed the model
        assert not torch.allclose(build_base(TinyDims.from_overrides(merged_config))(ids, pos, mask), merged(ids, pos, mask), atol=1e-4)


def test_export_refuses_an_incomplete_checkpoint(tmp_path) -> None:
    os.makedirs(tmp_path / "ckpt")
    cmd = [sys.executable, "-m", "trainer", "export", "--checkpoint", str(tmp_path / "ckpt"), "--out", str(tmp_path / "o")]
    done = subprocess.run(cmd, env={**os.environ, "PYTHONPATH": TRAINER_ROOT}, capture_output=True, text=True)
    assert done.returncode == 1 and "not a complete checkpoint" in done.stdout
