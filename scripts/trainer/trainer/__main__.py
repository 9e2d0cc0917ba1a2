"""Entry point: `python -m trainer [train] [--config F] [--data D] [--output O]`, `... export` and `... evaluate`."""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from typing import Optional, Sequence

from . import EXIT_FAILED, EXIT_OK, EXIT_STOPPED


def log(message: str) -> None:
    print(f"[trainer {time.strftime('%H:%M:%S')}] {message}", flush=True)


def redirect_output(path: str) -> None:
    """Send stdout and stderr (Python's and native code's alike) to the attempt log.

    The orchestrator streams this file by byte offset; container runtimes keep their own
    logs only as long as the container exists.
    """
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    sys.stdout.flush()
    sys.stderr.flush()
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)


def train_main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m trainer", description="LoRA training per the tunectl trainer contract")
    parser.add_argument("--config", default="/config/train.json")
    parser.add_argument("--data", default="/data")
    parser.add_argument("--output", default="/output")
    args = parser.parse_args(argv)
    os.makedirs(args.output, exist_ok=True)
    if os.environ.get("TUNECTL_LOG_FILE"):
        redirect_output(os.environ["TUNECTL_LOG_FILE"])
    from .stop import StopRequest

    # Before torch is imported (seconds): a SIGTERM that early (a scheduler's time-limit
    # warning, a cancel) asks for a stop after the first step, it does not kill the trainer.
    stop = StopRequest(log)
    stop.install()
    from .distributed import init_ranks, nnodes_requested, nproc_requested, run_under_torchrun

    if (nproc_requested() > 1 or nnodes_requested() > 1) and "WORLD_SIZE" not in os.environ:
        return run_under_torchrun(list(argv), nproc_requested())
    ranks = init_ranks()
    say = log if ranks.main else (lambda _message: None)
    stop.log = say

    from .outcome import describe_error, write_status
    attempt = os.environ.get("TUNECTL_ATTEMPT") or None
    resume = os.environ.get("TUNECTL_RESUME_FROM") or None
    trainer = None
    try:
        from .config import load_config
        from .loop import Trainer

        cfg = load_config(args.config)
        log(f"run {os.environ.get('TUNECTL_RUN_ID') or cfg.run_id} attempt {attempt or '-'} model {cfg.model.base}" + (f" resume from {resume}" if resume else ""))
        trainer = Trainer(cfg, args.data, args.output, stop, say, ranks)
        outcome = trainer.run(resume, attempt)
    except BaseException as err:  # noqa: BLE001 - every failure must leave status.json behind
        if isinstance(err, SystemExit):
            raise
        step = trainer.progress.step if trainer else 0
        message = describe_error(err)
        traceback.print_exc()
        log(f"failed: {message}")
        coded = {"code": err.code, "details": err.details()} if hasattr(err, "details") and hasattr(err, "code") else {}
        if ranks.main:
            write_status(args.output, "failed", step, error=message, attempt=attempt, **coded)
        return EXIT_FAILED
    if not ranks.main:
        # the writer's exit code speaks for the attempt; a stopped worker elsewhere exiting 75
        # would read as a failure to torchrun (and to srun --kill-on-bad-exit) before it did
        return EXIT_OK
    write_status(args.output, outcome.state, outcome.step, total_steps=outcome.total_steps, checkpoint=outcome.checkpoint, attempt=attempt)
    return EXIT_STOPPED if outcome.state == "stopped" else EXIT_OK


def export_main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m trainer export", description="write a checkpoint's adapter (and merged weights)")
    parser.add_argument("--checkpoint", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--merge", action="store_true", help="also write base + adapter merged into full weights")
    parser.add_argument("--run-id", default=None, help="the run, recorded in tunectl_export.json")
    args = parser.parse_args(argv)
    from .export import export_checkpoint
    from .outcome import describe_error

    try:
        export_checkpoint(args.checkpoint, args.out, args.merge, log, args.run_id)
    except Exception as err:  # noqa: BLE001
        log(f"export failed: {describe_error(err)}")
        return EXIT_FAILED
    return EXIT_OK


def evaluate_main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m trainer evaluate", description="eval loss, token accuracy and answers of one checkpoint")
    parser.add_argument("--config", default="/config/train.json")
    parser.add_argument("--data", default="/data")
    parser.add_argument("--checkpoint", default=None, help="a checkpoint directory; none: the base model (step 0)")
    parser.add_argument("--out", required=True, help="the JSON result, written atomically")
    args = parser.parse_args(argv)
    from .config import load_config
    from .evaluate import evaluate, write_result
    from .outcome import describe_error

    try:
        write_result(args.out, evaluate(load_config(args.config), args.data, args.checkpoint, log))
    except Exception as err:  # noqa: BLE001
        traceback.print_exc()
        log(f"evaluate failed: {describe_error(err)}")
        return EXIT_FAILED
    return EXIT_OK


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "export":
        return export_main(args[1:])
    if args and args[0] == "evaluate":
        return evaluate_main(args[1:])
    if args and args[0] == "train":
        args = args[1:]
    return train_main(args)


if __name__ == "__main__":
    sys.exit(main())
