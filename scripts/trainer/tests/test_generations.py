"""Generations while training: train.json's eval.prompts answered at step 0 and at every eval."""

from __future__ import annotations

import json
import os

from conftest import PROMPT_NO_INPUT, Workspace, alpaca_segments, demo_records, make_config
from tests_support import TOK
from trainer.encode import IGNORE, encode_messages, encode_segments
from trainer.generations import configured_prompts

CAPITAL = PROMPT_NO_INPUT.format(instruction="Name a colour.")
PROMPTS = [
    {"id": "colour", "record": {"segments": [{"text": CAPITAL, "train": False}]}},
    {"id": "chat", "record": {"messages": [{"role": "user", "content": "Say hello."}]}},
]


def records(n: int) -> list[dict]:
    return [alpaca_segments(r) for r in demo_records()[:n]]


def generations(ws: Workspace) -> list[dict]:
    with open(os.path.join(ws.output, "generations.jsonl"), encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def test_a_configured_prompt_is_encoded_as_a_records_context_is() -> None:
    segments, chat = configured_prompts(TOK, PROMPTS)
    record = encode_segments(TOK, [{"text": CAPITAL, "train": False}, {"text": "Blue.", "train": True}], False)
    assert segments.ids == record.ids[: record.labels.index(next(l for l in record.labels if l != IGNORE))]
    assert segments.prompt_id == "colour"
    messages = [{"role": "user", "content": "Say hello."}, {"role": "assistant", "content": "Hello."}]
    conversation = encode_messages(TOK, messages, False)
    first_learned = next(i for i, label in enumerate(conversation.labels) if label != IGNORE)
    assert chat.ids == conversation.ids[:first_learned]


def test_configured_prompts_are_answered_at_step_zero_and_every_eval(workspace: Workspace) -> None:
    cfg = make_config(train={"max_steps": 4, "save_steps": 4, "eval_steps": 2}, eval={"prompts": PROMPTS})
    done = workspace.setup(cfg, records(8), evals=records(3)).run()
    assert done.returncode == 0, done.stdout + done.stderr
    lines = generations(workspace)
    assert [(line["step"], line["prompt_id"]) for line in lines] == [
        (step, pid) for step in (0, 2, 4) for pid in ("colour", "chat")
    ]
    colour = [line for line in lines if line["prompt_id"] == "colour"]
    assert all(line["prompt"].endswith("### Instruction:\nName a colour.\n\n### Response:\n") for line in colour)
    chat = [line for line in lines if line["prompt_id"] == "chat"]
    assert all("Say hello." in line["prompt"] and line["prompt"].endswith("assistant\n") for line in chat)
    assert all(line["attempt"] == 1 and isinstance(line["output"], str) for line in lines)


def test_configured_prompts_are_answered_without_eval_data_at_the_eval_cadence(workspace: Workspace) -> None:
    cfg = make_config(train={"max_steps": 4, "save_steps": 2}, eval={"prompts": PROMPTS[:1]})
    assert workspace.setup(cfg, records(8)).run().returncode == 0
    assert [line["step"] for line in generations(workspace)] == [0, 2, 4]


def test_no_prompts_asks_nothing(workspace: Workspace) -> None:
    cfg = make_config(train={"max_steps": 2, "save_steps": 2, "eval_steps": 2}, eval={"prompts": []})
    assert workspace.setup(cfg, records(8), evals=records(3)).run().returncode == 0
    assert not os.path.exists(os.path.join(workspace.output, "generations.jsonl"))
