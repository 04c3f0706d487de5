"""Command line: `python -m datagen [--users N ...] --out DIR --truth-dir DIR`.

Bad input ends with one line on stderr that says what is allowed, and exit code 2
(argparse's convention), so scripts and people both get a clear answer.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from datagen.config import ID_FORMATS, RATE_FIELDS, TIMESTAMP_FORMATS, ConfigError, GenConfig
from datagen.generate import generate
from datagen.perf import keep_freed_memory
from datagen.shapes import PRESETS, preset_defaults
from datagen.writers import FORMATS
from stream.batching import Batch
from stream.landing import LandingZone
from stream.producer import produce


class _OneLineParser(argparse.ArgumentParser):
    """argparse prints the whole usage block on error; we want a single line."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"datagen: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """All options; defaults are those of the checked-in sample (`make seeds`)."""
    d = GenConfig()
    p = _OneLineParser(
        prog="python -m datagen",
        description="Synthetic social-network events: raw_* tables plus ground truth.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    p.add_argument("--users", type=int, default=d.users, help="accounts (>= 10)")
    p.add_argument("--tweets", type=int, default=d.tweets, help="tweets (>= 10)")
    p.add_argument(
        "--events", type=int, default=d.events, help="clean human events, approximately (>= 1)"
    )
    p.add_argument("--days", type=int, default=d.days, help="length of the window (>= 1)")
    p.add_argument("--start", default=d.start, help="first day of the window, YYYY-MM-DD (UTC)")
    p.add_argument("--seed", type=int, default=d.seed, help="random seed (>= 0)")
    p.add_argument(
        "--bot-events-per-day", type=int, default=d.bot_events_per_day, help="events per bot-day"
    )
    for name, text in RATE_FIELDS.items():
        p.add_argument(
            f"--{name.replace('_', '-')}", type=float, default=getattr(d, name), help=text
        )
    shapes = p.add_argument_group(
        "log shapes", "other people's logs (docs/raw_data_contract.md); defaults = the contract"
    )
    shapes.add_argument(
        "--shape",
        default=None,
        help=f"preset of the options below, one of: {', '.join(PRESETS)}; "
        "explicit flags override it",
    )
    shapes.add_argument(
        "--timestamp-format",
        default=d.timestamp_format,
        help=f"every raw timestamp column, one of: {', '.join(TIMESTAMP_FORMATS)} "
        "(iso mixes Z, microseconds, +HH:MM / +HHMM offsets and no zone, per value)",
    )
    shapes.add_argument(
        "--id-format",
        default=d.id_format,
        help=f"user and tweet ids everywhere, one of: {', '.join(ID_FORMATS)} "
        "(hash: 16 hex characters; uuid: version-4 layout)",
    )
    shapes.add_argument(
        "--no-impressions",
        action="store_true",
        default=d.no_impressions,
        help="action-only log: raw_events holds no impression rows",
    )
    shapes.add_argument(
        "--deleted-author-rate",
        type=float,
        default=d.deleted_author_rate,
        help="share of tweets whose author account is gone (author_id empty or dangling)",
    )
    shapes.add_argument(
        "--sparse-activity",
        action="store_true",
        default=d.sparse_activity,
        help="each human is active on a few days (80%% on 1-5) spread over the window",
    )
    shapes.add_argument(
        "--heavy-user-share",
        type=float,
        default=d.heavy_user_share,
        help="share of humans that are heavy users (human rhythm, many events)",
    )
    shapes.add_argument(
        "--heavy-user-multiplier",
        type=float,
        default=d.heavy_user_multiplier,
        help="a heavy user's events / the median human's (1-1000)",
    )
    p.add_argument("--out", type=Path, default=Path("seeds"), help="directory for raw_* files")
    p.add_argument(
        "--truth-dir", type=Path, default=Path("ground_truth"), help="directory for ground truth"
    )
    p.add_argument("--format", default="csv", help=f"one of: {', '.join(FORMATS)}")
    p.add_argument("--quiet", action="store_true", help="print nothing on success")
    stream = p.add_argument_group(
        "stream", "write --out as a landing zone (docs/raw_data_contract.md, Landing zone)"
    )
    stream.add_argument(
        "--batch-minutes",
        type=int,
        default=None,
        help="the events as one batch file per N-minute ingestion period in OUT/raw_events/",
    )
    stream.add_argument(
        "--follow",
        action="store_true",
        help="with --batch-minutes: land the batches over time, like a live producer",
    )
    stream.add_argument(
        "--speed",
        type=float,
        default=3600.0,
        help="with --follow: simulated seconds per wall-clock second",
    )
    stream.add_argument(
        "--backlog-hours",
        type=float,
        default=0.0,
        help="with --follow: land the first N hours of batches at once (the history a live"
        " system starts with), then follow",
    )
    return p


def _check_writable(directory: Path, flag: str) -> None:
    """Fail early (before minutes of work) if `directory` cannot be created or written."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=directory):
            pass
    except OSError:
        message = f"{flag} {directory} is not writable; give a writable directory"
        raise ConfigError(message) from None


def _check_stream_options(args: argparse.Namespace) -> None:
    if args.batch_minutes is None:
        if args.follow:
            raise ConfigError("--follow needs --batch-minutes (the length of one batch)")
        return
    if args.batch_minutes < 1:
        raise ConfigError("--batch-minutes must be >= 1")
    if args.speed <= 0:
        raise ConfigError("--speed must be > 0 simulated seconds per wall-clock second")
    if args.backlog_hours < 0:
        raise ConfigError("--backlog-hours must be >= 0 (hours of batches landed at once)")
    if LandingZone(args.out).batch_ids():
        raise ConfigError(f"--out {args.out} already holds event batches; give an empty directory")


def _land(args: argparse.Namespace, whole: Path) -> None:
    """Cut the generated events into batches and land them (over time with --follow)."""

    def report(batch: Batch, path: Path) -> None:
        if not args.quiet and args.follow:
            print(f"landed {path.name}: {batch.rows.num_rows} events", flush=True)

    batches = produce(
        whole,
        LandingZone(args.out),
        args.batch_minutes,
        fmt=args.format,
        speed=args.speed if args.follow else None,
        report=report,
        backlog_hours=args.backlog_hours,
    )
    if not args.quiet:
        print(f"landing zone {os.fspath(args.out)}: {len(batches)} event batches")


def _config(args: argparse.Namespace) -> GenConfig:
    names = {f.name for f in dataclasses.fields(GenConfig)}
    return GenConfig(**{k: v for k, v in vars(args).items() if k in names})


def main(argv: Sequence[str] | None = None) -> int:
    """Parse, validate, generate; prints a one-line summary per table."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.shape is not None:
        # The preset becomes the defaults; flags given on the command line still win.
        try:
            parser.set_defaults(**preset_defaults(args.shape))
        except ConfigError as exc:
            parser.error(str(exc))
        args = parser.parse_args(argv)
    try:
        if args.format not in FORMATS:
            raise ConfigError(f"--format must be one of: {', '.join(FORMATS)}")
        _check_stream_options(args)
        cfg = _config(args)
        _check_writable(args.out, "--out")
        _check_writable(args.truth_dir, "--truth-dir")
    except ConfigError as exc:
        parser.error(str(exc))
    if args.shape is not None and not args.quiet:
        flags = (f"--{k.replace('_', '-')} {getattr(args, k)}" for k in PRESETS[args.shape])
        chosen = ", ".join(flags)
        print(f"shape {args.shape}: {chosen}")
    keep_freed_memory()
    if args.batch_minutes is None:
        result = generate(cfg, args.out, args.truth_dir, args.format)
    else:
        # Generated whole beside the landing zone, then cut into batches and landed.
        with tempfile.TemporaryDirectory(dir=args.out.parent, prefix=".datagen-") as whole:
            result = generate(cfg, Path(whole), args.truth_dir, args.format)
            _land(args, Path(whole))
    if not args.quiet:
        for name, rows in result.rows.items():
            print(f"{name}: {rows} rows")
        dirt = result.dirt
        human = dirt["clean_events"] - dirt["bot_events"]
        print(f"clean events: {human} human (asked ~{cfg.events}) + {dirt['bot_events']} bot")
        total = sum(result.seconds.values())
        stages = ", ".join(f"{k} {v:.2f}s" for k, v in result.seconds.items())
        print(f"done in {total:.2f}s, cpu {result.cpu_seconds:.2f}s ({stages})")
        if args.batch_minutes is None:
            print(f"wrote {len(result.paths)} files to {os.fspath(args.out)} and {args.truth_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
