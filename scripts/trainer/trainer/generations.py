"""/output/generations.jsonl: a few eval prompts answered greedily at step 0 and at every eval.

One JSON line per prompt and step: {ts, step, attempt, prompt_id, prompt, output}. The prompts
are train.json's eval.prompts (the experiment's, rendered by the orchestrator with the run's
template and encoded here exactly as a record's context is), or by default the context
(everything before the first learned token) of the first eval records, or of the first train
records when there is no eval split.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from typing import Any, Sequence

import torch

from .contract import attempt_from_env
from .encode import IGNORE, Example, Tokenizer, closed_renderer

PROMPTS = 3
MAX_NEW_TOKENS = 32


@dataclass(frozen=True)
class Prompt:
    prompt_id: str
    ids: list[int]


def pick_prompts(examples: list[Example], split: str, count: int = PROMPTS) -> list[Prompt]:
    prompts = []
    for index, example in enumerate(examples):
        first = next((i for i, label in enumerate(example.labels) if label != IGNORE), None)
        if first:
            prompts.append(Prompt(f"{split}-{index}", example.ids[:first]))
        if len(prompts) == count:
            break
    return prompts


def configured_prompts(tok: Tokenizer, prompts: Sequence[dict[str, Any]]) -> list[Prompt]:
    """train.json's prompts as token ids: what encode_segments / encode_messages put before an answer."""
    out = []
    for prompt in prompts:
        record = prompt["record"]
        if "messages" in record:
            ids = closed_renderer(tok)(record["messages"], True)
        else:
            ids = [tok.bos_id] if tok.bos_id is not None else []
            for segment in record["segments"]:
                ids.extend(tok.encode(str(segment["text"])))
        out.append(Prompt(str(prompt["id"]), ids))
    return out


def answer_prompts(backend: Any, prompts: Sequence[Prompt]) -> list[dict[str, str]]:
    """Each prompt answered greedily: {prompt_id, prompt, output} (decoded text)."""
    model, tok = backend.model, backend.tokenizer
    rng = torch.get_rng_state()  # generating must not change what training draws next
    model.eval()
    answers = []
    with torch.no_grad():
        for prompt in prompts:
            ids = torch.tensor([prompt.ids], device=backend.device)
            out = model.generate(
                input_ids=ids, attention_mask=torch.ones_like(ids), max_new_tokens=MAX_NEW_TOKENS,
                do_sample=False, use_cache=True, pad_token_id=tok.pad_id, eos_token_id=tok.eos_id,
            )
            answers.append({
                "prompt_id": prompt.prompt_id, "prompt": tok.decode(prompt.ids),
                "output": tok.decode(out[0, len(prompt.ids):].tolist()),
            })
    model.train()
    torch.set_rng_state(rng)
    return answers


class Generations:
    def __init__(self, output: str, backend: Any, prompts: list[Prompt]) -> None:
        self.path = os.path.join(output, "generations.jsonl")
        self.backend = backend
        self.prompts = prompts
        self.attempt = attempt_from_env() if prompts else None  # a number, as generation-line.schema.json has it

    def write(self, step: int) -> None:
        if not self.prompts:
            return
        lines = [
            {"ts": round(time.time(), 3), "step": step, "attempt": self.attempt, **answer}
            for answer in answer_prompts(self.backend, self.prompts)
        ]
        with open(self.path, "a+b") as handle:
            handle.seek(0, os.SEEK_END)
            if handle.tell() > 0:
                handle.seek(-1, os.SEEK_END)
                if handle.read(1) != b"\n":
                    handle.write(b"\n")  # a previous attempt died mid-line; never glue onto it
            handle.write("".join(json.dumps(line) + "\n" for line in lines).encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
