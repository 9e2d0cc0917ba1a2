"""The trainer contract, checked on this side: documents validated against the JSON Schema
files generated from tunectl's zod schemas (src/contract/; `npm run schemas` writes
trainer/schemas/*.schema.json, never edit them by hand).

`python -m trainer.contract check-config FILE` loads a train.json exactly as training does
and prints the settings the trainer took from it, as JSON (the round-trip test reads it).
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
from functools import lru_cache
from typing import Any, Optional, Sequence

SCHEMA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "schemas")


class ContractError(ValueError):
    """A document breaks the contract; the message names the document and the field."""


@lru_cache(maxsize=None)
def load_schema(name: str) -> dict[str, Any]:
    with open(os.path.join(SCHEMA_DIR, f"{name}.schema.json"), encoding="utf-8") as handle:
        return json.load(handle)


def _validator(name: str) -> Any:
    try:
        import jsonschema
    except ImportError as err:
        raise ContractError(
            "the trainer needs the Python package jsonschema to check its inputs "
            "(Debian: apt-get install python3-jsonschema; pip: pip install jsonschema)"
        ) from err
    schema = load_schema(name)
    return jsonschema.validators.validator_for(schema)(schema)


def _field(path: Sequence[Any]) -> str:
    return ".".join(str(part) for part in path)


def _describe(error: Any) -> str:
    """One error as `'a.b' <what is wrong>`, the way the orchestrator names config paths."""
    where = _field(error.absolute_path)
    if error.validator == "additionalProperties":
        known = set(error.schema.get("properties", {}))
        extra = sorted(set(error.instance) - known)
        names = ", ".join(f"'{_field([*error.absolute_path, key])}'" for key in extra)
        return f"{names} {'is' if len(extra) == 1 else 'are'} not a field this trainer knows (is the image older than tunectl?)"
    if error.validator == "required":
        missing = [key for key in error.validator_value if key not in error.instance]
        return f"'{_field([*error.absolute_path, missing[0]])}' is required" if missing else error.message
    return f"'{where or '(document)'}': {error.message}"


def validate(document: Any, name: str, what: Optional[str] = None) -> None:
    """Raise ContractError naming the first (most relevant) field of `document` that breaks schema `name`."""
    from jsonschema.exceptions import best_match

    error = best_match(_validator(name).iter_errors(document))
    if error is not None:
        raise ContractError(f"{what or name}: {_describe(error)}")


def attempt_from_env() -> int:
    """TUNECTL_ATTEMPT as a number; a trainer started by hand is attempt 1."""
    raw = os.environ.get("TUNECTL_ATTEMPT") or "1"
    try:
        value = int(raw)
    except ValueError as err:
        raise ContractError(f"TUNECTL_ATTEMPT must be a whole number, not {raw!r}") from err
    if value < 1:
        raise ContractError(f"TUNECTL_ATTEMPT must be at least 1, not {value}")
    return value


def check_config(path: str) -> dict[str, Any]:
    from .config import load_config

    settings = dataclasses.asdict(load_config(path))
    return json.loads(json.dumps(settings))  # tuples -> lists, as JSON has them


def main(argv: Sequence[str]) -> int:
    if len(argv) != 2 or argv[0] != "check-config":
        print("usage: python -m trainer.contract check-config FILE", file=sys.stderr)
        return 2
    try:
        print(json.dumps(check_config(argv[1]), sort_keys=True))
    except ValueError as err:
        print(str(err), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
