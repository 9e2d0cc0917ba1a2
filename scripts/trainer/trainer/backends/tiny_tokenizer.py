"""Byte-level tokenizer for the tiny backend: 256 byte ids plus a few special tokens."""

from __future__ import annotations

from typing import Any, Optional, Sequence

PAD, BOS, EOS, IM_START, IM_END = 256, 257, 258, 259, 260
VOCAB_SIZE = 264  # 261 used, rounded up
SPECIAL_NAMES = {PAD: "<pad>", BOS: "<s>", EOS: "</s>", IM_START: "<|im_start|>", IM_END: "<|im_end|>"}


class ByteTokenizer:
    bos_id: Optional[int] = BOS
    eos_id: Optional[int] = EOS
    pad_id: int = PAD

    def encode(self, text: str) -> list[int]:
        return list(text.encode("utf-8"))

    def decode(self, ids: Sequence[int]) -> str:
        out: list[str] = []
        raw = bytearray()
        for i in ids:
            if i < 256:
                raw.append(i)
                continue
            out.append(raw.decode("utf-8", errors="replace"))
            raw = bytearray()
            out.append(SPECIAL_NAMES.get(i, f"<{i}>"))
        out.append(raw.decode("utf-8", errors="replace"))
        return "".join(out)

    def render_chat(self, messages: Sequence[dict[str, Any]], add_generation_prompt: bool) -> list[int]:
        """chatml-like: <s> then <|im_start|>role\\ncontent<|im_end|>\\n per turn."""
        ids = [BOS]
        for message in messages:
            ids.append(IM_START)
            ids.extend(self.encode(f"{message.get('role', '')}\n{message.get('content', '')}"))
            ids.append(IM_END)
            ids.extend(self.encode("\n"))
        if add_generation_prompt:
            ids.append(IM_START)
            ids.extend(self.encode("assistant\n"))
        return ids
