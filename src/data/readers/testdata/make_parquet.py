"""Writes the Parquet fixtures of parquet-reader.test.ts with pyarrow, one file per codec.

    python3 -m pip install pyarrow && python3 src/data/readers/testdata/make_parquet.py

Three row groups of 40 rows; the expected records are records.jsonl beside them.
"""
import json
import pathlib

import pyarrow as pa
import pyarrow.parquet as pq

here = pathlib.Path(__file__).parent
rows = [
    {
        "instruction": f"Name the number {i} in words, then add {i % 7}.",
        "input": "" if i % 3 else f"context {i} " + "é ✓ " * (i % 5),
        "output": f"{i} plus {i % 7} is {i + i % 7}.",
        "id": 10**12 + i,
        "score": i / 8,
    }
    for i in range(120)
]
table = pa.Table.from_pylist(rows)
for codec in ["zstd", "gzip", "brotli", "lz4", "snappy"]:
    pq.write_table(table, here / f"alpaca-{codec}.parquet", compression=codec, row_group_size=40)
with open(here / "records.jsonl", "w", encoding="utf-8") as out:
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
