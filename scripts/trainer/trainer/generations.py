"""/output/generations.jsonl: a few eval prompts answered greedily at step 0 and at every eval.

One JSON line per prompt and step: {ts, step, attempt, prompt_id, prompt, output}. The prompts
are the context (everything before the first learned token) of the first eval records, or of
the first train records when there is no eval split.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from typing import Any, Optional

import torch

from .encode import IGNORE, Example

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


class Generations:
    def __init__(self, output: str, backend: Any, prompts: list[Prompt], attempt: Optional[str]) -> None:
        self.path = os.path.join(output, "generations.jsonl")
        self.backend = backend
        self.prompts = prompts
        self.attempt = attempt

    def write(self, step: int) -> None:
        if not self.prompts:
            return
        model, tok = self.backend.model, self.backend.tokenizer
        rng = torch.get_rng_state()  # generating must not change what training draws next
        model.eval()
        lines = []
        with torch.no_grad():
            for prompt in self.prompts:
                ids = torch.tensor([prompt.ids], device=self.backend.device)
                out = model.generate(
                    input_ids=ids, attention_mask=torch.ones_like(ids), max_new_tokens=MAX_NEW_TOKENS,
                    do_sample=False, use_cache=True, pad_token_id=tok.pad_id, eos_token_id=tok.eos_id,
                )
                lines.append({
                    "ts": round(time.time(), 3), "step": step, "attempt": self.attempt, "prompt_id": prompt.prompt_id,
                    "prompt": tok.decode(prompt.ids), "output": tok.decode(out[0, len(prompt.ids):].tolist()),
                })
        model.train()
        torch.set_rng_state(rng)
        with open(self.path, "a", encoding="utf-8") as handle:
            handle.write("".join(json.dumps(line) + "\n" for line in lines))
            handle.flush()
            os.fsync(handle.fileno())
