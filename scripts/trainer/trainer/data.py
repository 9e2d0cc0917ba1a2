"""Reading the staged dataset (/data/train.jsonl, eval.jsonl) into encoded examples."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any, Optional

from .encode import DataError, Example, Tokenizer, encode_record, truncate


@dataclass
class DatasetReport:
    records: int = 0
    truncated: int = 0
    dropped_empty: int = 0
    tokens: int = 0


def report_fields(report: DatasetReport) -> dict[str, int]:
    """A report as a `kind: data` metrics line has it (schemas/metric-line.schema.json)."""
    return {"records": report.records, "truncated": report.truncated, "dropped": report.dropped_empty, "tokens": report.tokens}


def read_jsonl(path: str) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as err:
                raise DataError(f"{path}:{number}: not valid JSON ({err.msg})") from err
            if not isinstance(record, dict):
                raise DataError(f"{path}:{number}: expected a JSON object")
            records.append(record)
    return records


def load_examples(
    path: str, tok: Tokenizer, max_len: int, train_on_inputs: bool
) -> tuple[list[Example], DatasetReport]:
    report = DatasetReport()
    examples: list[Example] = []
    for number, record in enumerate(read_jsonl(path), start=1):
        report.records += 1
        try:
            example = encode_record(tok, record, train_on_inputs)
        except DataError as err:
            raise DataError(f"{path}: record {number}: {err}") from err
        example, cut = truncate(example, max_len)
        report.truncated += int(cut)
        if example.trainable_tokens() == 0:
            report.dropped_empty += 1
            continue
        report.tokens += len(example.ids)
        examples.append(example)
    return examples, report


def find_split(data_dir: str, name: str) -> Optional[str]:
    path = os.path.join(data_dir, f"{name}.jsonl")
    return path if os.path.isfile(path) else None
