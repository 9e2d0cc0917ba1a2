"""`python -m trainer.data_report --data FILE --model BASE --max-seq-len N [--train-on-inputs]`
(or `--jobs FILE`: a JSON list of {data, model, max_seq_len, train_on_inputs}, one report each)

The trainer's own counts for a rendered JSONL file, as JSON on stdout: what `load_examples`
reports when training starts (records, truncated, dropped_empty, tokens) and every record's
token length before truncation. tunectl's tests compare its own counts (src/data/tokens/)
with these; a person can run it on a host to see what a dataset becomes in a model's tokens.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from typing import Optional, Sequence

from .data import load_examples, read_jsonl
from .encode import DataError, encode_record


def load_tokenizer(base: str, revision: Optional[str] = None):  # noqa: ANN201 - an HfTokenizer
    from .backends.hf import HfTokenizer
    from .backends.hf_load import import_hf, load_pretrained, resolve_base

    transformers, _ = import_hf()
    pinned = {"revision": revision} if revision else {}
    where = resolve_base(base, {})
    return HfTokenizer(load_pretrained(transformers.AutoTokenizer.from_pretrained, where, base, **pinned))


def report(path: str, tok, max_len: int, train_on_inputs: bool) -> dict:  # noqa: ANN001
    _, counts = load_examples(path, tok, max_len, train_on_inputs)
    lengths = [len(encode_record(tok, record, train_on_inputs).ids) for record in read_jsonl(path)]
    return {**dataclasses.asdict(counts), "lengths": lengths}


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m trainer.data_report", description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="a rendered train.jsonl or eval.jsonl")
    parser.add_argument("--model", help="builtin:tiny, a local model directory or a hub id")
    parser.add_argument("--max-seq-len", type=int)
    parser.add_argument("--train-on-inputs", action="store_true")
    parser.add_argument("--jobs", help="a JSON list of jobs instead of the flags above")
    args = parser.parse_args(argv)
    if args.jobs:
        with open(args.jobs, encoding="utf-8") as handle:
            jobs = json.load(handle)
    elif args.data and args.model and args.max_seq_len:
        jobs = [{"data": args.data, "model": args.model, "max_seq_len": args.max_seq_len, "train_on_inputs": args.train_on_inputs}]
    else:
        parser.error("--data, --model and --max-seq-len (or --jobs) are required")
    tokenizers: dict = {}
    reports = []
    for job in jobs:
        tok = tokenizers.get(job["model"]) or tokenizers.setdefault(job["model"], load_tokenizer(job["model"]))
        try:
            reports.append(report(job["data"], tok, int(job["max_seq_len"]), bool(job.get("train_on_inputs"))))
        except DataError as err:  # the trainer would refuse the data: said, not counted
            reports.append({"error": str(err)})
    print(json.dumps(reports if args.jobs else reports[0]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
