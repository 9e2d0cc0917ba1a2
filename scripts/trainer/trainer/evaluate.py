"""`python -m trainer evaluate --config F --data D [--checkpoint DIR] --out FILE`: one checkpoint's eval.

Loads the base the way training does (train.json's model and LoRA settings), then the
checkpoint's adapter (none: the base model itself, step 0, as LoRA starts as the identity).
On the eval split (`eval.jsonl` in --data) it computes the eval loss exactly as training's eval
does (`Trainer.eval_sums`: the same encoding, packing, micro batches and masking) and the token
accuracy: the share of learned tokens whose argmax logit is the label. It answers train.json's
eval.prompts greedily (or, without them, the first eval records' contexts), as the generations
written during training are. The result is one JSON document written atomically to --out, checked against schemas/eval-result.schema.json first:

    {"format": 1, "step", "checkpoint", "eval": {"eval_loss", "token_accuracy", "tokens",
     "records"} | null, "answers": [{"prompt_id", "prompt", "output"}], "runtime_s"}
"""

from __future__ import annotations

import json
import os
import random
import time
from typing import Any, Callable, Optional

import torch

from .checkpoint import finite, read_checkpoint
from .config import TrainConfig
from .contract import validate
from .data import find_split, load_examples
from .generations import answer_prompts, configured_prompts, pick_prompts

FORMAT = 1


def evaluate(cfg: TrainConfig, data_dir: str, checkpoint: Optional[str], log: Callable[[str], None]) -> dict[str, Any]:
    from .backends import build_backend
    from .loop import Trainer

    started = time.monotonic()
    random.seed(cfg.train.seed)
    torch.manual_seed(cfg.train.seed)
    backend = build_backend(cfg, log)
    step = 0
    if checkpoint:
        found = read_checkpoint(checkpoint, verify_hashes=True)
        if found is None:
            raise ValueError(f"{checkpoint} is not a complete checkpoint (missing or invalid manifest.json)")
        backend.load_adapter(found.path)
        step = found.step
    trainer = Trainer(cfg, data_dir, "", None, log)  # type: ignore[arg-type]  # only its eval is used
    arrange = trainer.arrangement(backend)
    result: dict[str, Any] = {"format": FORMAT, "step": step, "checkpoint": checkpoint, "eval": None, "answers": []}
    eval_rows = []
    eval_path = find_split(data_dir, "eval")
    if eval_path is not None:
        d = cfg.data
        examples, report = load_examples(eval_path, backend.tokenizer, d.max_seq_len, d.train_on_inputs)
        eval_rows = arrange(examples)
        sums = trainer.eval_sums(backend, eval_rows)
        result["eval"] = {"eval_loss": sums.loss, "token_accuracy": sums.accuracy, "tokens": sums.targets, "records": report.records}
        log(f"step {step}: eval_loss {sums.loss:.6f} token_accuracy {sums.accuracy:.4f} over {sums.targets} tokens")
    if cfg.eval.prompts is not None:
        prompts = configured_prompts(backend.tokenizer, cfg.eval.prompts)
    else:
        prompts = pick_prompts([e for row in eval_rows for e in row], "eval")
    result["answers"] = answer_prompts(backend, prompts)
    result["runtime_s"] = round(time.monotonic() - started, 3)
    return result


def write_result(path: str, result: dict[str, Any]) -> None:
    """Checked against schemas/eval-result.schema.json (tunectl's zod schema) before it is written."""
    result = finite(result)
    validate(result, "eval-result", "evaluate result")
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    tmp = f"{path}.tmp-{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(result, handle, allow_nan=False)
        handle.write("\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
