"""Masking, truncation and packing on hand-checked token sequences."""

from __future__ import annotations

import torch

from tests_support import BOS, EOS, IM_END, IM_START, PAD, TOK as tok
from trainer.encode import IGNORE, encode_messages, encode_segments, truncate
from trainer.packing import block_causal_mask, collate, flatten, pack

X = IGNORE


def b(text: str) -> list[int]:
    ids = tok.encode(text)
    assert len(ids) == len(text.encode())  # one token per byte
    return ids


def test_segments_mask_context_and_learn_the_response_and_eos() -> None:
    ex = encode_segments(tok, [{"text": "Q:", "train": False}, {"text": "ok", "train": True}], train_on_inputs=False)
    assert ex.ids == [BOS, *b("Q:"), *b("ok"), EOS]
    assert ex.labels == [X, X, X, *b("ok"), EOS]
    # position i predicts token i+1: only the response and the end of text are learned
    assert ex.targets() == [X, X, *b("ok"), EOS, X]
    assert ex.trainable_tokens() == 3


def test_train_on_inputs_learns_everything_but_bos() -> None:
    ex = encode_segments(tok, [{"text": "Q", "train": False}, {"text": "A", "train": True}], train_on_inputs=True)
    assert ex.targets() == [*b("QA"), EOS, X]


def test_context_after_the_response_leaves_eos_unlearned() -> None:
    ex = encode_segments(tok, [{"text": "A", "train": True}, {"text": "ctx", "train": False}], train_on_inputs=False)
    assert ex.labels == [X, *b("A"), X, X, X, X]


def test_multi_turn_conversation_learns_only_assistant_turns() -> None:
    messages = [
        {"role": "system", "content": "S"},
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": "yo"},
        {"role": "user", "content": "q"},
        {"role": "assistant", "content": "a"},
    ]
    ex = encode_messages(tok, messages, train_on_inputs=False)
    nl = b("\n")
    expected_ids = (
        [BOS]
        + [IM_START, *b("system\nS"), IM_END, *nl]
        + [IM_START, *b("user\nhi"), IM_END, *nl]
        + [IM_START, *b("assistant\n"), *b("yo"), IM_END, *nl]
        + [IM_START, *b("user\nq"), IM_END, *nl]
        + [IM_START, *b("assistant\n"), *b("a"), IM_END, *nl]
    )
    assert ex.ids == expected_ids
    context = lambda ids: [X] * len(ids)  # noqa: E731
    expected_labels = (
        context([BOS])
        + context([IM_START, *b("system\nS"), IM_END, *nl])
        + context([IM_START, *b("user\nhi"), IM_END, *nl])
        + context([IM_START, *b("assistant\n")]) + [*b("yo"), IM_END, *nl]
        + context([IM_START, *b("user\nq"), IM_END, *nl])
        + context([IM_START, *b("assistant\n")]) + [*b("a"), IM_END, *nl]
    )
    assert ex.labels == expected_labels


def test_truncation_cuts_and_reports() -> None:
    ex = encode_segments(tok, [{"text": "abcdef", "train": True}], train_on_inputs=False)
    cut, was_cut = truncate(ex, 4)
    assert was_cut and cut.ids == [BOS, *b("abc")]
    assert truncate(ex, 100) == (ex, False)


def test_packing_restarts_positions_and_never_predicts_across_records() -> None:
    a = encode_segments(tok, [{"text": "x", "train": False}, {"text": "y", "train": True}], False)  # 4 tokens
    c = encode_segments(tok, [{"text": "z", "train": True}], False)  # 3 tokens
    d = encode_segments(tok, [{"text": "long", "train": True}], False)  # 6 tokens
    rows = pack([a, c, d], max_len=8)
    assert [len(r) for r in rows] == [2, 1]
    batch = collate(rows, PAD)
    assert batch.input_ids.tolist() == [
        [BOS, *b("xy"), EOS, BOS, *b("z"), EOS],
        [BOS, *b("long"), EOS, PAD],
    ]
    assert batch.position_ids.tolist() == [[0, 1, 2, 3, 0, 1, 2], [0, 1, 2, 3, 4, 5, 0]]  # padding restarts too
    assert batch.segment_ids.tolist() == [[0, 0, 0, 0, 1, 1, 1], [0, 0, 0, 0, 0, 0, -1]]
    # the EOS of record 0 (index 3) must not be trained to predict the BOS of record 1
    assert batch.targets[0].tolist() == [X, *b("y"), EOS, X, *b("z"), EOS, X]
    assert batch.attention_mask[1].tolist() == [1] * 6 + [0]


def test_flatten_lays_records_end_to_end_without_padding() -> None:
    a = encode_segments(tok, [{"text": "xy", "train": True}], False)  # 4 tokens
    c = encode_segments(tok, [{"text": "z", "train": True}], False)  # 3 tokens
    d = encode_segments(tok, [{"text": "long", "train": True}], False)  # 6 tokens
    batch = collate(pack([a, c, d], max_len=8), PAD)
    flat = flatten(batch)
    assert flat.input_ids.tolist() == [[BOS, *b("xy"), EOS, BOS, *b("z"), EOS, BOS, *b("long"), EOS]]
    assert flat.position_ids.tolist() == [[0, 1, 2, 3, 0, 1, 2, 0, 1, 2, 3, 4, 5]]
    assert flat.segment_ids.tolist() == [[0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 2, 2, 2]]
    assert flat.cu_seqlens.tolist() == [0, 4, 7, 13]
    assert flat.targets[0].tolist() == [*b("xy"), EOS, X, *b("z"), EOS, X, *b("long"), EOS, X]
    assert (flat.real_tokens, flat.target_tokens) == (batch.real_tokens, batch.target_tokens) == (13, 10)


def test_block_causal_mask_is_block_diagonal() -> None:
    mask = block_causal_mask(torch.tensor([[0, 0, 1, 1, -1]]))[0, 0].int().tolist()
    assert mask == [
        [1, 0, 0, 0, 0],
        [1, 1, 0, 0, 0],
        [0, 0, 1, 0, 0],
        [0, 0, 1, 1, 0],
        [0, 0, 0, 0, 1],
    ]


def test_packed_logits_and_loss_equal_each_record_alone() -> None:
    """No cross-talk: a packed row (positions restarting, no attention mask) is its records alone."""
    from tests_support import tiny_backend
    from trainer.loop import token_loss_sum

    backend = tiny_backend()
    backend.model.eval()
    records = [
        encode_segments(tok, [{"text": "Q: hello", "train": False}, {"text": " there", "train": True}], False),
        encode_segments(tok, [{"text": "world!", "train": True}], False),
        encode_segments(tok, [{"text": "third record, longer", "train": True}], False),
    ]
    with torch.no_grad():
        packed = collate([records[:2], records[2:]], PAD)  # row 0 packs two, row 1 is padded
        logits = backend.logits(packed)
        start = 0
        for example in records[:2]:
            alone = backend.logits(collate([[example]], PAD))[0]
            end = start + len(example.ids)
            assert (logits[0, start:end] - alone).abs().max().item() < 1e-5
            start = end
        alone = backend.logits(collate([[records[2]]], PAD))[0]
        assert (logits[1, : len(records[2].ids)] - alone).abs().max().item() < 1e-5
        separate = sum(float(token_loss_sum(backend, collate([[e]], PAD))) for e in records)
        assert abs(float(token_loss_sum(backend, packed)) - separate) < 1e-4
        # without restarting positions the second record would see the first: the test can fail
        packed.position_ids[0] = torch.arange(packed.position_ids.shape[1])
        leaked = backend.logits(packed)[0, len(records[0].ids) : start]
        assert (leaked - backend.logits(collate([[records[1]]], PAD))[0]).abs().max().item() > 1e-3


def test_flattened_logits_and_loss_equal_each_record_alone() -> None:
    """The layout packed training uses on sdpa: records end to end, attention record by record."""
    from tests_support import tiny_backend
    from trainer.loop import token_loss_sum

    backend = tiny_backend()
    assert backend.flat_packing  # the tiny model runs sdpa, switched to record by record
    backend.model.eval()
    records = [
        encode_segments(tok, [{"text": "Q: hello", "train": False}, {"text": " there", "train": True}], False),
        encode_segments(tok, [{"text": "world!", "train": True}], False),
        encode_segments(tok, [{"text": "third record, longer", "train": True}], False),
    ]
    with torch.no_grad():
        flat = flatten(collate([records[:2], records[2:]], PAD))
        logits = backend.logits(flat)
        assert logits.shape[:2] == (1, sum(len(e.ids) for e in records))
        start = 0
        for example in records:
            alone = backend.logits(collate([[example]], PAD))[0]
            end = start + len(example.ids)
            assert (logits[0, start:end] - alone).abs().max().item() < 1e-5
            start = end
        separate = sum(float(token_loss_sum(backend, collate([[e]], PAD))) for e in records)
        assert abs(float(token_loss_sum(backend, flat)) - separate) < 1e-4
        # one boundary fewer and the second record attends to the first: the test can fail
        flat.cu_seqlens = torch.tensor([0, len(records[0].ids) + len(records[1].ids), start], dtype=torch.int32)
        second = slice(len(records[0].ids), len(records[0].ids) + len(records[1].ids))
        leaked = backend.logits(flat)[0, second]
        assert (leaked - backend.logits(collate([[records[1]]], PAD))[0]).abs().max().item() > 1e-3
