"""`python -m ml`: the ml steps from a shell, without Dagster.

    python -m ml init                 create the ml tables (dbt's monitoring models read them)
    python -m ml train                fit, compare with the baseline, register
    python -m ml score --k 10         score candidates with the current model, top-K per user
    python -m ml score --candidates-only
                                      the same, leaving the training set's scores (what the
                                      monitoring reports read) for the next full score:
                                      the stream's hot path
    python -m ml evaluate --k 10      ranking metrics@k vs popularity on the backtest window
    python -m ml all                  train, score, evaluate
    python -m ml status               current model version and its metrics

--db defaults to $SOCIAL_ML_DB (else warehouse/social_ml.duckdb); --models-dir to
$SOCIAL_ML_MODELS_DIR (else artifacts/models).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from ml.config import (
    EvaluateConfig,
    ScoreConfig,
    TrainConfig,
    default_db_path,
    default_models_dir,
    default_truth_dir,
)
from ml.db import connect, init_warehouse
from ml.evaluate import evaluate
from ml.evaluation_report import report_lines, result_rows
from ml.registry import NoModelError, current_model, list_models
from ml.score import score
from ml.train import check_row_sources, train


def _print(title: str, record: object) -> None:
    payload = asdict(record) if hasattr(record, "__dataclass_fields__") else record
    print(f"== {title}")
    print(json.dumps(payload, indent=2, default=str, sort_keys=True))


def _status(db: Path) -> int:
    with connect(db, read_only=True) as con:
        models = list_models(con)
        try:
            current = current_model(con)
        except NoModelError as exc:
            print(f"{len(models)} model(s) registered; {exc}")
            return 1
        evaluations = con.execute(
            """
            select k, metric, model_value, baseline_value from ml.evaluations
            where model_version = ? order by k, metric
            """,
            [current.model_version],
        ).fetchall()
    print(f"models registered: {len(models)}; current version: {current.model_version}")
    print(f"kind: {current.model_kind}; trained at {current.trained_at:%Y-%m-%d %H:%M:%S} UTC")
    print(f"train rows {current.train_rows}, validation rows {current.validation_rows}")
    print(
        f"validation roc_auc {current.val_roc_auc:.4f} (baseline {current.baseline_roc_auc:.4f}), "
        f"log_loss {current.val_log_loss:.4f} (baseline {current.baseline_log_loss:.4f}), "
        f"brier {current.val_brier:.4f}, ece {current.val_ece:.4f}"
    )
    print(f"quality gate: {current.quality_gate_reason}")
    print(f"selection: {current.selection_reason}")
    for k, metric, model_value, baseline_value in evaluations:
        digits = 0 if metric == "users_evaluated" else 4
        model_text = "n/a" if model_value is None else f"{model_value:.{digits}f}"
        base_text = "n/a" if baseline_value is None else f"{baseline_value:.{digits}f}"
        print(f"@{k} {metric}: model {model_text}, popularity {base_text}")
    return 0


def _training_rows(value: str) -> tuple[str, ...]:
    try:
        return check_row_sources(tuple(part.strip() for part in value.split(",") if part.strip()))
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", type=Path, default=None, help="DuckDB warehouse file")
    common.add_argument("--models-dir", type=Path, default=None, help="model artifact directory")
    common.add_argument("--k", type=int, default=10, help="recommendations per user (default 10)")
    common.add_argument(
        "--horizon-hours",
        type=int,
        default=None,
        help="evaluate: count engagements in the first N hours after the cut-off "
        "(default: all of the held-out window)",
    )
    common.add_argument(
        "--truth-dir",
        type=Path,
        default=None,
        help="evaluate: datagen's ground-truth directory for the ground-truth ranker (default: "
        "$SOCIAL_ML_TRUTH_DIR, or ground_truth/ while the seeds are the input)",
    )
    common.add_argument(
        "--candidates-only",
        action="store_true",
        help="score: the candidates only, not the training set (the stream's hot path; the "
        "monitoring reports read the training set's scores)",
    )
    common.add_argument(
        "--training-rows",
        type=_training_rows,
        default=TrainConfig().training_rows,
        help="train: where labelled rows come from, comma-separated: logged (impressions), "
        "candidates (retrieval's candidates at an earlier as-of time); default: both",
    )
    parser = argparse.ArgumentParser(
        prog="python -m ml", description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for name, text in (
        ("init", "create schema ml and its tables if missing"),
        ("train", "train, compare with the baseline, register"),
        ("score", "score candidates with the current model, write top-K"),
        ("evaluate", "ranking metrics@k vs the popularity baseline"),
        ("all", "train, score, evaluate"),
        ("status", "print the current model version and its metrics"),
    ):
        commands.add_parser(name, parents=[common], help=text, description=text)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    db: Path = args.db or default_db_path()
    models_dir: Path = args.models_dir or default_models_dir()
    if args.command == "init":
        tables = init_warehouse(db)
        print(f"ml tables ready in {db}: {', '.join(tables)}")
        return 0
    if args.command == "status":
        return _status(db)
    if args.command in ("train", "all"):
        result = train(db, models_dir, TrainConfig(training_rows=args.training_rows))
        _print("train", result)
        if not result.passed_quality_gate:
            print("model failed its quality gate: registered, not current", file=sys.stderr)
            if args.command == "train":
                return 2
    if args.command in ("score", "all"):
        config = ScoreConfig(k=args.k, score_training_set=not args.candidates_only)
        _print("score", score(db, models_dir, config))
    if args.command in ("evaluate", "all"):
        if args.horizon_hours is not None and args.horizon_hours < 1:
            print("--horizon-hours must be a positive number of hours", file=sys.stderr)
            return 2
        truth = args.truth_dir or default_truth_dir()
        config = EvaluateConfig(
            k=args.k, horizon_hours=args.horizon_hours, truth_dir=str(truth) if truth else None
        )
        evaluation = evaluate(db, config)
        _print("evaluate", evaluation)
        print("\n".join(report_lines(result_rows(evaluation))))
        if evaluation.nothing_to_evaluate:
            print(f"evaluate: {evaluation.nothing_to_evaluate}")
    return 0
