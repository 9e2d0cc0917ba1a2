"""Small builders shared by the in-process tests."""

from __future__ import annotations

from conftest import make_config
from trainer.backends.tiny import TinyBackend
from trainer.config import parse_config


def tiny_backend(**sections: dict) -> TinyBackend:
    return TinyBackend.create(parse_config(make_config(**sections)), lambda _m: None)
