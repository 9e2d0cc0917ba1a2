"""Records to token ids and labels: segments with train flags, or chat messages.

Labels are -100 on every token the model must not learn (context). `targets` shifts them so
position i holds the token expected after position i; shifting per record keeps a packed
sequence from ever predicting across a record boundary.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Optional, Protocol, Sequence

IGNORE = -100


class DataError(ValueError):
    """A dataset record cannot be used; the message names the file and line."""


class Tokenizer(Protocol):
    bos_id: Optional[int]
    eos_id: Optional[int]
    pad_id: int

    def encode(self, text: str) -> list[int]: ...

    def render_chat(self, messages: Sequence[dict[str, Any]], add_generation_prompt: bool) -> list[int]: ...


@dataclass(frozen=True)
class Example:
    ids: list[int]
    labels: list[int]

    def targets(self) -> list[int]:
        return self.labels[1:] + [IGNORE]

    def trainable_tokens(self) -> int:
        return sum(1 for t in self.targets() if t != IGNORE)


def encode_segments(tok: Tokenizer, segments: Sequence[dict[str, Any]], train_on_inputs: bool) -> Example:
    ids: list[int] = []
    labels: list[int] = []
    if tok.bos_id is not None:
        ids.append(tok.bos_id)
        labels.append(IGNORE)
    last_trained = False
    for segment in segments:
        piece = tok.encode(str(segment.get("text", "")))
        trained = bool(segment.get("train", False)) or train_on_inputs
        ids.extend(piece)
        labels.extend(piece if trained else [IGNORE] * len(piece))
        last_trained = trained
    if tok.eos_id is not None:
        ids.append(tok.eos_id)
        labels.append(tok.eos_id if last_trained else IGNORE)
    return Example(ids, labels)


def closed_renderer(tok: Tokenizer) -> Callable[[Sequence[dict[str, Any]], bool], list[int]]:
    """render_chat, but without the assistant header some templates (Llama 3's) always append.

    Such a template renders the same with and without add_generation_prompt; its header is what
    it renders for no messages, and is cut from the end when no generation prompt is wanted.
    """
    probe = [{"role": "user", "content": "x"}]
    if tok.render_chat(probe, False) != tok.render_chat(probe, True):
        return tok.render_chat
    header = tok.render_chat([], True)

    def render(messages: Sequence[dict[str, Any]], add_generation_prompt: bool) -> list[int]:
        ids = tok.render_chat(messages, add_generation_prompt)
        if not add_generation_prompt and header and ids[-len(header) :] == header:
            return ids[: -len(header)]
        return ids

    return render


def encode_messages(tok: Tokenizer, messages: Sequence[dict[str, Any]], train_on_inputs: bool) -> Example:
    """Label each assistant turn by rendering growing prefixes of the conversation.

    Works with any chat template that renders a conversation as the concatenation of its
    turns (true of the common templates); a template that does not is refused, not guessed.
    """
    render = closed_renderer(tok)
    ids = render(messages, False)
    labels = list(ids) if train_on_inputs else [IGNORE] * len(ids)
    if train_on_inputs:
        return Example(ids, labels)
    for index, message in enumerate(messages):
        if message.get("role") != "assistant":
            continue
        prompt = render(messages[:index], True)
        upto = render(messages[: index + 1], False)
        if ids[: len(prompt)] != prompt or ids[: len(upto)] != upto:
            raise DataError("chat template is not prefix-stable; cannot tell assistant turns apart")
        labels[len(prompt) : len(upto)] = ids[len(prompt) : len(upto)]
    return Example(ids, labels)


def encode_record(tok: Tokenizer, record: dict[str, Any], train_on_inputs: bool) -> Example:
    if isinstance(record.get("segments"), list):
        return encode_segments(tok, record["segments"], train_on_inputs)
    if isinstance(record.get("messages"), list):
        return encode_messages(tok, record["messages"], train_on_inputs)
    raise DataError("record has neither 'segments' nor 'messages'")


def truncate(example: Example, max_len: int) -> tuple[Example, bool]:
    if len(example.ids) <= max_len:
        return example, False
    return Example(example.ids[:max_len], example.labels[:max_len]), True
