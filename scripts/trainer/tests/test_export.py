"""Checkpoints people can use: PEFT loads every one; export --merge computes base + adapter."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import torch

from conftest import TRAINER_ROOT, Workspace, alpaca_segments, demo_records, make_config
from trainer.backends.tiny_base import materialize
from trainer.checkpoint import scan

IDS = torch.tensor([[1, 60, 70, 80, 90, 100, 2]])


def logits(model) -> torch.Tensor:
    model.eval()
    with torch.no_grad():
        return model(input_ids=IDS, use_cache=False).logits


def test_peft_loads_every_checkpoint_and_merge_equals_base_plus_adapter(workspace: Workspace) -> None:
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    cfg = make_config(train={"max_steps": 4, "save_steps": 2, "save_total_limit": 10, "learning_rate": 5e-2})
    assert workspace.setup(cfg, [alpaca_segments(r) for r in demo_records()[:12]]).run().returncode == 0
    base_dir = materialize(cfg["model"]["tiny"])
    checkpoints = scan(os.path.join(workspace.output, "checkpoints"))[0]
    assert [c.step for c in checkpoints] == [2, 4]
    base = logits(AutoModelForCausalLM.from_pretrained(base_dir))
    for checkpoint in checkpoints:
        adapted = PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(base_dir), checkpoint.path)
        assert (logits(adapted) - base).abs().max().item() > 1e-4  # the adapter really changes the model
    with_adapter = logits(adapted)

    out = os.path.join(workspace.root, "export")
    cmd = [sys.executable, "-m", "trainer", "export", "--checkpoint", checkpoints[-1].path, "--out", out, "--merge"]
    done = subprocess.run(cmd, env={**os.environ, "PYTHONPATH": TRAINER_ROOT}, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert {"adapter_config.json", "adapter_model.safetensors", "tunectl_adapter.json", "tunectl_export.json", "tokenizer.json", "base", "merged"} <= set(os.listdir(out))
    assert not {"manifest.json", "trainer_state.pt"} & set(os.listdir(out))
    info = json.load(open(os.path.join(out, "tunectl_adapter.json")))
    assert info["base"] == "builtin:tiny" and info["dtype"] == "float32"
    record = json.load(open(os.path.join(out, "tunectl_export.json")))
    assert (record["step"], record["merged"], record["base_dir"], record["dtype"]) == (4, False, "base", "float32")
    # builtin:tiny exists only inside the trainer: the export carries it, so the adapter loads anywhere
    shipped = PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(os.path.join(out, "base")), out)
    assert (logits(shipped) - with_adapter).abs().max().item() < 1e-6
    assert AutoTokenizer.from_pretrained(out)("hi")["input_ids"] == AutoTokenizer.from_pretrained(base_dir)("hi")["input_ids"]
    merged = AutoModelForCausalLM.from_pretrained(os.path.join(out, "merged"))
    assert merged.dtype == torch.float32
    assert (logits(merged) - with_adapter).abs().max().item() < 1e-5
    merged_record = json.load(open(os.path.join(out, "merged", "tunectl_export.json")))
    assert (merged_record["merged"], merged_record["dtype"], merged_record["trust_remote_code"]) == (True, "float32", False)


def test_merge_of_an_adapter_on_the_tied_output_head_equals_the_trained_model(workspace: Workspace) -> None:
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    targets = ["q_proj", "v_proj", "lm_head"]  # builtin:tiny ties lm_head to embed_tokens
    cfg = make_config(lora={"target_modules": targets}, train={"max_steps": 2, "save_steps": 2, "learning_rate": 5e-2})
    assert workspace.setup(cfg, [alpaca_segments(r) for r in demo_records()[:8]]).run().returncode == 0
    checkpoint = scan(os.path.join(workspace.output, "checkpoints"))[0][-1]
    base_dir = materialize(cfg["model"]["tiny"])
    assert AutoModelForCausalLM.from_pretrained(base_dir).config.tie_word_embeddings
    trained = logits(PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(base_dir), checkpoint.path))
    out = os.path.join(workspace.root, "export")
    cmd = [sys.executable, "-m", "trainer", "export", "--checkpoint", checkpoint.path, "--out", out, "--merge"]
    done = subprocess.run(cmd, env={**os.environ, "PYTHONPATH": TRAINER_ROOT}, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    merged = AutoModelForCausalLM.from_pretrained(os.path.join(out, "merged"))
    assert (logits(merged) - trained).abs().max().item() < 1e-5
    assert not merged.config.tie_word_embeddings


def test_the_tiny_model_stops_generating_at_the_end_of_an_assistant_turn() -> None:
    from transformers import AutoTokenizer, GenerationConfig

    base_dir = materialize({"n_layer": 1, "n_head": 2, "n_embd": 32})
    tokenizer = AutoTokenizer.from_pretrained(base_dir)
    rendered = tokenizer.apply_chat_template([{"role": "assistant", "content": "hi"}], tokenize=False)
    assert rendered.endswith("hi<|im_end|>\n")
    generation = GenerationConfig.from_pretrained(base_dir)
    ends = {tokenizer.convert_tokens_to_ids("<|im_end|>"), tokenizer.eos_token_id}
    assert set(generation.eos_token_id) == ends and generation.use_cache


def test_export_refuses_an_incomplete_checkpoint(tmp_path) -> None:
    os.makedirs(tmp_path / "ckpt")
    cmd = [sys.executable, "-m", "trainer", "export", "--checkpoint", str(tmp_path / "ckpt"), "--out", str(tmp_path / "o")]
    done = subprocess.run(cmd, env={**os.environ, "PYTHONPATH": TRAINER_ROOT}, capture_output=True, text=True)
    assert done.returncode == 1 and "not a complete checkpoint" in done.stdout
