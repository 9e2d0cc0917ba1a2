"""The shared training loop: data, steps, eval, metrics, checkpoints, resume, graceful stop."""

from __future__ import annotations

import contextlib
import math
import os
import random
import time
from dataclasses import dataclass
from typing import Callable, Optional

import torch
import torch.nn.functional as F

from .backends import build_backend
from .backends.base import Backend
from .checkpoint import Checkpoint, apply_retention, clean_invalid, read_checkpoint, write_checkpoint
from .config import TrainConfig
from .data import DatasetReport, find_split, load_examples, report_fields
from .encode import IGNORE, Example
from .generations import Generations, configured_prompts, pick_prompts
from .metrics import MetricsWriter, rate
from .order import Plan
from .packing import Batch, Row, collate, flatten, pack, unpacked
from .schedule import lr_at
from .distributed import Ranks
from .state import Progress, load_state, rng_state, save_state
from .stop import StopRequest
from .tracking import TrackedMetrics, open_trackers


class ResumeError(RuntimeError):
    """TUNECTL_RESUME_FROM does not name a valid checkpoint."""


class Diverged(RuntimeError):
    """The loss or the gradient norm of a step is NaN or infinite: the run cannot go on."""

    code = "trainer.diverged"

    def __init__(self, step: int, what: str, value: float) -> None:
        super().__init__(f"training diverged at step {step}: {what} is {value} (lower train.learning_rate, or check the data)")
        self.step, self.what, self.value = step, what, value

    def details(self) -> dict:
        return {"step": self.step, "what": self.what, "value": str(self.value)}


@dataclass
class Outcome:
    state: str  # "succeeded" | "stopped"
    step: int
    total_steps: int
    checkpoint: Optional[str]


class Trainer:
    def __init__(self, cfg: TrainConfig, data_dir: str, output: str, stop: StopRequest, log: Callable[[str], None], ranks: Ranks = Ranks()) -> None:
        self.ranks = ranks
        self.cfg = cfg
        self.data_dir = data_dir
        self.output = output
        self.stop = stop
        self.log = log
        self.progress = Progress()
        self.checkpoints = os.path.join(output, "checkpoints")
        self.flat = False  # packed micro batches go to the model flattened (one row, no padding)
        self.data_reports: list[tuple[str, DatasetReport]] = []

    def run(self, resume_from: Optional[str], attempt: Optional[str] = None) -> Outcome:
        cfg, log = self.cfg, self.log
        random.seed(cfg.train.seed)
        torch.manual_seed(cfg.train.seed)
        ranks = self.ranks
        backend = build_backend(cfg, log, ranks.device())
        self.train_model = backend.model
        if ranks.active:
            from torch.nn.parallel import DistributedDataParallel

            ids = [ranks.local_rank] if backend.device.type == "cuda" else None
            self.train_model = DistributedDataParallel(backend.model, device_ids=ids)
            log(f"{ranks.world} processes (DDP): a step trains micro_batch_size x {ranks.world} rows per micro batch; this one is rank {ranks.rank}")
        rows, eval_rows = self._load_rows(backend)
        t = cfg.train
        plan = Plan(len(rows), t.micro_batch_size * ranks.world, t.gradient_accumulation_steps, t.seed, t.epochs, t.max_steps)
        total = plan.total_steps
        warmup = t.warmup_for(total)
        params = backend.trainable_parameters()
        optimizer = torch.optim.AdamW(params, lr=t.learning_rate, weight_decay=t.weight_decay)
        os.makedirs(self.checkpoints, exist_ok=True)
        for path in clean_invalid(self.checkpoints):
            log(f"removed incomplete checkpoint {path}")
        if resume_from:
            self.progress = self._resume(resume_from, backend, optimizer)
        eval_every = t.eval_steps or t.save_steps
        if cfg.eval.prompts is not None:
            prompts = configured_prompts(backend.tokenizer, cfg.eval.prompts)
        else:
            source = eval_rows or rows
            prompts = pick_prompts([e for row in source for e in row], "eval" if eval_rows else "train")
        generations = Generations(self.output, backend, prompts if ranks.main else [])
        if self.progress.step == 0:
            generations.write(0)  # the base model's answers
        metrics = TrackedMetrics(MetricsWriter(os.path.join(self.output, "metrics.jsonl")), open_trackers(cfg, self.output, log)) if ranks.main else NoMetrics()
        for split, report in self.data_reports:  # what tunectl's `run` and `show` print
            metrics.write("data", step=self.progress.step, split=split, max_seq_len=cfg.data.max_seq_len, **report_fields(report))
        log(
            f"training {total} steps ({plan.steps_per_epoch} per epoch, {len(rows)} rows, micro batch "
            f"{t.micro_batch_size} x {t.gradient_accumulation_steps} accumulation), starting after step {self.progress.step}"
        )
        schedule = {"name": t.lr_scheduler, "warmup_steps": warmup, "total_steps": total}
        started = time.monotonic()
        window_start, window_tokens, attempt_tokens = started, 0, 0
        last: Optional[Checkpoint] = None
        lr = grad_norm = 0.0
        try:
            while self.progress.step < total:
                step = self.progress.step + 1
                lr = lr_at(step, t.learning_rate, t.lr_scheduler, warmup, total)
                batches = [self._my_share(rows, idx, backend.tokenizer.pad_id) for idx in plan.micro_batches(step)]
                loss, grad_norm, tokens = self._step(backend, optimizer, params, batches, lr)
                if not (math.isfinite(loss) and math.isfinite(grad_norm)):
                    what, value = ("loss", loss) if not math.isfinite(loss) else ("grad_norm", grad_norm)
                    common = {"step": step, "total_steps": total, "epoch": plan.epoch_progress(step), "lr": lr, "grad_norm": grad_norm, "tokens": self.progress.tokens}
                    metrics.write("train", **{**common, "loss": loss, "tokens_per_s": None})
                    raise Diverged(step, what, value)
                p = self.progress
                p.step, p.tokens, p.last_loss = step, p.tokens + tokens, loss
                p.first_loss = loss if p.first_loss is None else p.first_loss
                window_tokens += tokens
                attempt_tokens += tokens
                common = {"step": step, "total_steps": total, "epoch": plan.epoch_progress(step), "lr": lr, "grad_norm": grad_norm, "tokens": p.tokens}
                if step % t.logging_steps == 0 or step == total:
                    now = time.monotonic()
                    speed = rate(window_tokens, now - window_start)
                    metrics.write("train", **{**common, "loss": loss, "tokens_per_s": speed})
                    log(f"step {step}/{total} epoch {common['epoch']:.2f} loss {loss:.4f} lr {lr:.3g} grad_norm {grad_norm:.3f} tok/s {speed}")
                    window_start, window_tokens = now, 0
                evaluated = None
                stopping = bool(ranks.sum(1.0 if self.stop else 0.0)[0])  # every rank stops at the same step
                if ranks.main and (step % eval_every == 0 or step == total):
                    if eval_rows:
                        evaluated = self._evaluate(backend, eval_rows, metrics, common)
                    if eval_rows or cfg.eval.prompts:
                        generations.write(step)  # at every eval; configured prompts also without eval data
                if step % t.save_steps == 0 or step == total or stopping:
                    rngs = ranks.gather(rng_state())
                    if ranks.main:
                        last = self._save(backend, optimizer, plan, schedule, loss, evaluated, common, rngs)
                    ranks.barrier()
                if stopping and step < total:
                    log(f"stopped at step {step} ({self.stop.requested or 'another process stopped'}); checkpoint {last.path if last else '-'}")
                    return Outcome("stopped", step, total, last.path if last else None)
            elapsed = time.monotonic() - started
            p = self.progress
            metrics.write(
                "summary",
                step=p.step, total_steps=total, epoch=plan.epoch_progress(p.step) if p.step else 0.0,
                loss=p.last_loss, lr=lr, grad_norm=grad_norm, tokens=p.tokens,
                tokens_per_s=rate(attempt_tokens, elapsed), eval_loss=p.last_eval_loss, first_loss=p.first_loss,
                best_eval_loss=p.best_eval_loss, best_eval_step=p.best_eval_step, runtime_s=round(elapsed, 2),
                attempt=attempt,
            )
            log(f"finished {p.step} steps in {elapsed:.1f}s: loss {p.first_loss} -> {p.last_loss}")
            return Outcome("succeeded", p.step, total, last.path if last else None)
        finally:
            metrics.close()

    def _load_rows(self, backend: Backend) -> tuple[list[Row], list[Row]]:
        d = self.cfg.data
        train_path = find_split(self.data_dir, "train")
        if train_path is None:
            raise FileNotFoundError(f"no train.jsonl in {self.data_dir}")
        examples, report = load_examples(train_path, backend.tokenizer, d.max_seq_len, d.train_on_inputs)
        if not examples:
            raise ValueError(f"{train_path}: no record has a trainable token")
        packing = d.packing and backend.supports_packing
        if d.packing and not packing:
            self.log(f"the {backend.name} backend cannot pack without cross-record attention: training one record per row")
        arrange = self.arrangement(backend)
        rows = arrange(examples)
        self.log(
            f"train.jsonl: {report.records} records, {report.truncated} truncated to {d.max_seq_len} tokens, "
            f"{report.dropped_empty} without trainable tokens dropped, {report.tokens} tokens in {len(rows)} rows"
            + (" (packed)" if packing else "")
        )
        self.data_reports = [("train", report)]
        eval_rows: list[Row] = []
        eval_path = find_split(self.data_dir, "eval")
        if eval_path is not None:
            eval_examples, eval_report = load_examples(eval_path, backend.tokenizer, d.max_seq_len, d.train_on_inputs)
            eval_rows = arrange(eval_examples)
            self.data_reports.append(("eval", eval_report))
            self.log(f"eval.jsonl: {eval_report.records} records, {eval_report.truncated} truncated")
        return rows, eval_rows

    def arrangement(self, backend: Backend) -> Callable[[list[Example]], list[Row]]:
        """How examples become rows (packed or one per row); sets whether batches go flattened."""
        d = self.cfg.data
        packing = d.packing and backend.supports_packing
        self.flat = packing and backend.flat_packing
        return (lambda ex: pack(ex, d.max_seq_len)) if packing else unpacked

    def _my_share(self, rows: list[Row], indices: list[int], pad_id: int) -> tuple[Batch, float]:
        """This process's rows of a micro batch (weight 0: a stand-in row when it has none)."""
        mine = indices[self.ranks.rank :: self.ranks.world]
        return (self._collate([rows[i] for i in mine], pad_id), 1.0) if mine else (self._collate([rows[indices[0]]], pad_id), 0.0)

    def _collate(self, rows: list[Row], pad_id: int) -> Batch:
        batch = collate(rows, pad_id)
        return flatten(batch) if self.flat else batch

    def _step(self, backend: Backend, optimizer: torch.optim.Optimizer, params: list[torch.nn.Parameter], batches: list[tuple[Batch, float]], lr: float) -> tuple[float, float, int]:
        for group in optimizer.param_groups:
            group["lr"] = lr
        optimizer.zero_grad(set_to_none=True)
        ranks = self.ranks
        targets = ranks.sum(sum(b.target_tokens * w for b, w in batches))[0]
        total = 0.0
        for index, (batch, weight) in enumerate(batches):
            sync = index == len(batches) - 1 or not ranks.active
            with contextlib.nullcontext() if sync else self.train_model.no_sync():
                loss = token_loss_sum(backend, batch, self.train_model) * weight
                (loss / targets * ranks.world).backward()  # DDP averages over ranks: this makes it the global sum
            total += float(loss.item())
        total, real = ranks.sum(total, sum(b.real_tokens * w for b, w in batches))
        limit = self.cfg.train.max_grad_norm
        grad_norm = float(torch.nn.utils.clip_grad_norm_(params, limit if limit > 0 else math.inf))
        loss = total / targets
        if math.isfinite(loss) and math.isfinite(grad_norm):  # a diverged step never reaches the adapter
            optimizer.step()
        return loss, grad_norm, int(real)

    def _evaluate(self, backend: Backend, rows: list[Row], metrics: MetricsWriter, common: dict) -> float:
        started = time.monotonic()
        sums = self.eval_sums(backend, rows)
        value, tokens = sums.loss, sums.tokens
        p = self.progress
        p.last_eval_loss = value
        if p.best_eval_loss is None or value < p.best_eval_loss:
            p.best_eval_loss, p.best_eval_step = value, common["step"]
        speed = rate(tokens, time.monotonic() - started)
        metrics.write("eval", **{**common, "loss": value, "eval_loss": value, "tokens_per_s": speed})
        self.log(f"eval at step {common['step']}: eval_loss {value:.4f}")
        return value

    def eval_sums(self, backend: Backend, rows: list[Row]) -> "EvalSums":
        """Loss and argmax hits over every learned token of `rows`, in micro batches as training has them."""
        size = self.cfg.train.micro_batch_size
        sums = EvalSums()
        backend.model.eval()
        with torch.no_grad():
            for i in range(0, len(rows), size):
                batch = self._collate(rows[i : i + size], backend.tokenizer.pad_id)
                loss, correct = token_sums(backend, batch)
                sums.loss_sum += float(loss.item())
                sums.correct += int(correct.item())
                sums.targets += batch.target_tokens
                sums.tokens += batch.real_tokens
        backend.model.train()
        return sums

    def _save(self, backend: Backend, optimizer: torch.optim.Optimizer, plan: Plan, schedule: dict, loss: float, eval_loss: Optional[float], common: dict, rngs: list) -> Checkpoint:
        step = self.progress.step
        position = {"epoch": plan.epoch_of(step + 1), "next_step": step + 1, "steps_per_epoch": plan.steps_per_epoch, "seed": plan.seed}

        def write_files(directory: str) -> None:
            backend.save_adapter(directory)
            save_state(directory, optimizer, self.progress, {**schedule, "last_step": step}, position, rngs)

        found = {**common, "loss": loss}
        if eval_loss is not None:
            found["eval_loss"] = eval_loss
        saved = write_checkpoint(self.checkpoints, step, write_files, found, self.cfg.run_id)
        self.log(f"checkpoint {saved.path}")
        for path in apply_retention(self.checkpoints, self.cfg.train.save_total_limit):
            self.log(f"removed old checkpoint {path} (save_total_limit {self.cfg.train.save_total_limit})")
        return saved

    def _resume(self, path: str, backend: Backend, optimizer: torch.optim.Optimizer) -> Progress:
        found = read_checkpoint(path, verify_hashes=True)
        if found is None:
            raise ResumeError(f"TUNECTL_RESUME_FROM={path} is not a complete checkpoint (missing or invalid manifest.json)")
        backend.load_adapter(found.path)
        progress = load_state(found.path, optimizer, self.ranks.rank)
        self.log(f"resumed from {found.path} at step {progress.step}")
        return progress


class NoMetrics:
    """What ranks other than 0 write: nothing."""

    def write(self, kind: str, **fields: object) -> None:
        return None

    def close(self) -> None:
        return None


@dataclass
class EvalSums:
    loss_sum: float = 0.0
    correct: int = 0  # learned tokens whose argmax logit is the label
    targets: int = 0  # learned tokens
    tokens: int = 0  # real tokens read

    @property
    def loss(self) -> float:
        return self.loss_sum / max(1, self.targets)

    @property
    def accuracy(self) -> float:
        return self.correct / max(1, self.targets)


def _logits_and_targets(backend: Backend, batch: Batch, model: object) -> tuple[torch.Tensor, torch.Tensor]:
    """[N, V] logits and [N] labels (IGNORE where nothing is learned)."""
    if batch.cu_seqlens is not None and getattr(backend, "selects_logits", False):
        # a flattened batch: the head and the softmax run only where a token is learned
        positions = (batch.targets[0] != IGNORE).nonzero().flatten()
        logits = backend.logits(batch, model, positions)  # type: ignore[call-arg]
        targets = batch.targets[:, positions].to(logits.device)
    else:
        logits = backend.logits(batch, model)
        targets = batch.targets.to(logits.device)
    return logits.float().reshape(-1, logits.shape[-1]), targets.reshape(-1)


def token_loss_sum(backend: Backend, batch: Batch, model: object = None) -> torch.Tensor:
    logits, targets = _logits_and_targets(backend, batch, model)
    return F.cross_entropy(logits, targets, ignore_index=IGNORE, reduction="sum")


def token_sums(backend: Backend, batch: Batch, model: object = None) -> tuple[torch.Tensor, torch.Tensor]:
    """The summed loss (as training computes it) and how many learned tokens the argmax gets right."""
    logits, targets = _logits_and_targets(backend, batch, model)
    loss = F.cross_entropy(logits, targets, ignore_index=IGNORE, reduction="sum")
    learned = targets != IGNORE
    correct = (logits.argmax(dim=-1)[learned] == targets[learned]).sum()
    return loss, correct
