"""tunectl's bridge to Optuna's ask-and-tell API: JSON lines on stdin, one JSON answer a line on stdout.

    python optuna_bridge.py --journal DIR/optuna.journal --study NAME --sampler tpe|random \
        --seed N --direction minimize|maximize \
        [--pruner asha|hyperband --min-resource N --reduction-factor N
         --min-early-stopping-rate N --max-resource N]

Requests (the search space travels with every ask, so a restarted bridge needs nothing else):
    {"op": "ask", "space": {"train.learning_rate": {"type": "float", "low": 1e-5, "high": 1e-3, "log": true},
                            "lora.r": {"type": "int", "low": 4, "high": 64},
                            "data.template": {"type": "categorical", "choices": [0, 1]}}}
        -> {"ok": true, "trial": 0, "params": {...}}
    {"op": "tell", "trial": 0, "value": 1.25}          (or "state": "pruned" | "failed")
        -> {"ok": true}
    {"op": "report", "trial": 0, "step": 20, "value": 1.7}
        -> {"ok": true, "prune": false}     (the value reported, then the pruner asked)
    {"op": "trials"} -> {"ok": true, "trials": [{"trial", "state", "params", "value"}]}
A bad request gets {"ok": false, "error": "..."} and the bridge keeps reading. The study lives in
Optuna's journal file (JournalStorage + JournalFileBackend), so asks and tells survive a restart.
Search and its maths are Optuna's; tunectl only places the trials it is given.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

import optuna
from optuna.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from optuna.storages import JournalStorage
from optuna.storages.journal import JournalFileBackend
from optuna.trial import TrialState

STATES = {"pruned": TrialState.PRUNED, "failed": TrialState.FAIL}


def make_pruner(args: argparse.Namespace) -> optuna.pruners.BasePruner:
    if args.pruner == "asha":
        return optuna.pruners.SuccessiveHalvingPruner(
            min_resource=args.min_resource,
            reduction_factor=args.reduction_factor,
            min_early_stopping_rate=args.min_early_stopping_rate,
        )
    if args.pruner == "hyperband":
        return optuna.pruners.HyperbandPruner(
            min_resource=args.min_resource,
            max_resource=args.max_resource if args.max_resource is not None else "auto",
            reduction_factor=args.reduction_factor,
        )
    return optuna.pruners.NopPruner()


def open_study(
    journal: str,
    study: str,
    sampler: str,
    seed: int,
    direction: str,
    pruner: optuna.pruners.BasePruner | None = None,
) -> optuna.Study:
    storage = JournalStorage(JournalFileBackend(journal))
    chosen = (
        optuna.samplers.TPESampler(seed=seed)
        if sampler == "tpe"
        else optuna.samplers.RandomSampler(seed=seed)
    )
    return optuna.create_study(
        study_name=study,
        storage=storage,
        sampler=chosen,
        direction=direction,
        pruner=pruner,
        load_if_exists=True,
    )


def distribution(spec: dict[str, Any]) -> BaseDistribution:
    kind = spec.get("type")
    if kind == "float":
        return FloatDistribution(float(spec["low"]), float(spec["high"]), log=bool(spec.get("log")))
    if kind == "int":
        return IntDistribution(int(spec["low"]), int(spec["high"]), log=bool(spec.get("log")))
    if kind == "categorical":
        return CategoricalDistribution(list(spec["choices"]))
    raise ValueError(f"unknown distribution type {kind!r} (float, int or categorical)")


def handle(study: optuna.Study, request: dict[str, Any]) -> dict[str, Any]:
    op = request.get("op")
    if op == "ask":
        space = {name: distribution(spec) for name, spec in request["space"].items()}
        trial = study.ask(fixed_distributions=space)
        return {"ok": True, "trial": trial.number, "params": trial.params}
    if op == "tell":
        number = int(request["trial"])
        if "value" in request:
            study.tell(number, float(request["value"]))
        else:
            state = STATES.get(request.get("state", ""))
            if state is None:
                raise ValueError("tell needs a value or state pruned|failed")
            study.tell(number, state=state)
        return {"ok": True}
    if op == "report":
        # A trial asked by an earlier bridge process is reached by its number (ask-and-tell
        # across restarts); the pruner is the study's, given on this bridge's command line.
        number = int(request["trial"])
        trial_id = study._storage.get_trial_id_from_study_id_trial_number(  # noqa: SLF001
            study._study_id, number  # noqa: SLF001
        )
        trial = optuna.Trial(study, trial_id)
        trial.report(float(request["value"]), int(request["step"]))
        return {"ok": True, "prune": bool(trial.should_prune())}
    if op == "trials":
        return {
            "ok": True,
            "trials": [
                {
                    "trial": t.number,
                    "state": t.state.name.lower(),
                    "params": t.params,
                    "value": t.value,
                }
                for t in study.get_trials(deepcopy=False)
            ],
        }
    raise ValueError(f"unknown op {op!r} (ask, tell, report, trials)")


def serve(study: optuna.Study, lines: Any, out: Any) -> None:
    for line in lines:
        if not line.strip():
            continue
        try:
            answer = handle(study, json.loads(line))
        except Exception as error:  # a bad request is answered, never fatal
            answer = {"ok": False, "error": f"{type(error).__name__}: {error}"}
        out.write(json.dumps(answer) + "\n")
        out.flush()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--journal", required=True)
    parser.add_argument("--study", required=True)
    parser.add_argument("--sampler", choices=["tpe", "random"], required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--direction", choices=["minimize", "maximize"], default="minimize")
    parser.add_argument("--pruner", choices=["none", "asha", "hyperband"], default="none")
    parser.add_argument("--min-resource", type=int, default=1)
    parser.add_argument("--reduction-factor", type=int, default=3)
    parser.add_argument("--min-early-stopping-rate", type=int, default=0)
    parser.add_argument("--max-resource", type=int, default=None)
    args = parser.parse_args(argv)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = open_study(
        args.journal, args.study, args.sampler, args.seed, args.direction, make_pruner(args)
    )
    serve(study, sys.stdin, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
