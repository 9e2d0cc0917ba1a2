"""`python -m trainer evaluate`: a checkpoint's eval loss as training computed it, token accuracy, answers."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import torch

from conftest import TRAINER_ROOT, Workspace, alpaca_segments, demo_records, make_config
from tests_support import tiny_backend
from trainer.config import parse_config
from trainer.data import load_examples
from trainer.encode import IGNORE
from trainer.loop import Trainer

PROMPTS = [{"id": "colour", "record": {"segments": [{"text": "### Instruction:\nName a colour.\n\n### Response:\n", "train": False}]}}]


def records(start: int, n: int) -> list[dict]:
    return [alpaca_segments(r) for r in demo_records()[start : start + n]]


def evaluate(ws: Workspace, checkpoint: str | None, out: str) -> dict:
    argv = [sys.executable, "-m", "trainer", "evaluate", "--config", ws.config, "--data", ws.data, "--out", out]
    if checkpoint:
        argv += ["--checkpoint", checkpoint]
    done = subprocess.run(argv, env={**os.environ, "PYTHONPATH": TRAINER_ROOT}, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    with open(out, encoding="utf-8") as handle:
        return json.load(handle)


def test_a_checkpoints_eval_loss_is_the_one_training_computed_at_its_step(workspace: Workspace) -> None:
    cfg = make_config(train={"max_steps": 6, "save_steps": 3, "eval_steps": 3, "save_total_limit": 3})
    done = workspace.setup(cfg, records(0, 12), evals=records(12, 5)).run()
    assert done.returncode == 0, done.stdout + done.stderr
    trained = {line["step"]: line["eval_loss"] for line in workspace.metrics("eval")}
    assert set(trained) == {3, 6}
    for step in (3, 6):
        out = os.path.join(workspace.root, f"eval-{step}.json")
        result = evaluate(workspace, os.path.join(workspace.output, "checkpoints", f"step-{step}"), out)
        assert result["step"] == step
        assert abs(result["eval"]["eval_loss"] - trained[step]) < 1e-5, (result["eval"], trained[step])
        assert 0.0 <= result["eval"]["token_accuracy"] <= 1.0
        assert result["eval"]["records"] == 5 and result["eval"]["tokens"] > 0
        assert [a["prompt_id"] for a in result["answers"]] == ["eval-0", "eval-1", "eval-2"]
    base = evaluate(workspace, None, os.path.join(workspace.root, "eval-0.json"))
    assert base["step"] == 0 and base["checkpoint"] is None
    assert base["eval"]["eval_loss"] != trained[6]  # training moved the adapter off the base


def test_configured_prompts_are_answered_without_an_eval_split(workspace: Workspace) -> None:
    cfg = make_config(train={"max_steps": 2, "save_steps": 2}, eval={"prompts": PROMPTS})
    assert workspace.setup(cfg, records(0, 6)).run().returncode == 0
    result = evaluate(workspace, os.path.join(workspace.output, "checkpoints", "step-2"), os.path.join(workspace.root, "e.json"))
    assert result["eval"] is None
    assert [a["prompt_id"] for a in result["answers"]] == ["colour"]
    assert result["answers"][0]["prompt"].endswith("### Response:\n")
    with open(os.path.join(workspace.output, "generations.jsonl"), encoding="utf-8") as handle:
        during = [json.loads(line) for line in handle if json.loads(line)["step"] == 2]
    assert result["answers"][0]["output"] == during[0]["output"]  # the same greedy answer as training wrote


def test_token_accuracy_equals_a_hand_count_of_argmax_hits(tmp_path) -> None:
    sections = {"data": {"packing": True, "max_seq_len": 256}}
    backend = tiny_backend(**sections)
    cfg = parse_config(make_config(**sections))
    path = os.path.join(str(tmp_path), "eval.jsonl")
    with open(path, "w", encoding="utf-8") as handle:
        for record in records(0, 3):
            handle.write(json.dumps(record) + "\n")
    examples, _ = load_examples(path, backend.tokenizer, 256, False)
    trainer = Trainer(cfg, str(tmp_path), "", None, lambda _m: None)  # type: ignore[arg-type]
    sums = trainer.eval_sums(backend, trainer.arrangement(backend)(examples))
    hits = total = 0
    backend.model.eval()
    with torch.no_grad():
        for example in examples:  # one record at a time, no packing, no collation
            logits = backend.model(input_ids=torch.tensor([example.ids])).logits[0]
            for position, label in enumerate(example.targets()):
                if label != IGNORE:
                    total += 1
                    hits += int(int(logits[position].argmax()) == label)
    assert sums.targets == total
    assert sums.correct == hits
    assert sums.accuracy == hits / total
