"""`python -m serving publish` writes a snapshot; `python -m serving serve` serves it."""

from __future__ import annotations

import argparse
import errno
import socket
import sys
from pathlib import Path

from ml.config import default_db_path
from serving.config import ServeConfig, default_serving_dir


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m serving", allow_abbrev=False,
        description="Publish the warehouse's serving snapshot, or serve it over HTTP.",
    )
    parser.add_argument("--serving-dir", type=Path, default=None,
                        help="Snapshot folder (default: SOCIAL_ML_SERVING_DIR or"
                        " artifacts/serving).")
    commands = parser.add_subparsers(dest="command", required=True)
    publish_cmd = commands.add_parser("publish", allow_abbrev=False,
                                      help="Write a snapshot of the warehouse and make it current.")
    publish_cmd.add_argument("--db", type=Path, default=None,
                             help="Warehouse file (default: SOCIAL_ML_DB or"
                             " warehouse/social_ml.duckdb).")
    serve_cmd = commands.add_parser("serve", allow_abbrev=False,
                                    help="Serve the current snapshot over HTTP.")
    serve_cmd.add_argument("--host", default="127.0.0.1")
    serve_cmd.add_argument("--port", type=int, default=8000)
    serve_cmd.add_argument("--poll-seconds", type=float, default=1.0,
                           help="How often to look for a newly published snapshot.")
    args = parser.parse_args(argv)
    serving_dir = args.serving_dir or default_serving_dir()
    if args.command == "publish":
        return _publish(args.db or default_db_path(), serving_dir)
    return _serve(ServeConfig(serving_dir=serving_dir, host=args.host, port=args.port,
                              poll_seconds=args.poll_seconds))


def _publish(db_path: Path, serving_dir: Path) -> int:
    from ml.registry import NoModelError
    from serving.online_features import OnlineFeatureError
    from serving.publish import PublishError, publish

    if not db_path.exists():
        print(f"error: no warehouse at {db_path}: run make run first", file=sys.stderr)
        return 2
    try:
        result = publish(db_path, serving_dir)
    except (PublishError, OnlineFeatureError, NoModelError, LookupError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    rows = ", ".join(f"{name} {count:,}" for name, count in result.rows.items())
    print(f"published snapshot {result.snapshot_id} (model version {result.model_version},"
          f" as of {result.as_of_at}) in {result.seconds:.1f} s: {rows};"
          f" {result.bytes_on_disk / 1e6:.1f} MB at {result.path}")
    return 0


def _serve(config: ServeConfig) -> int:
    if config.poll_seconds <= 0:
        print("error: --poll-seconds must be above 0", file=sys.stderr)
        return 2
    if not _port_free(config.host, config.port):
        print(f"error: {config.host}:{config.port} is already in use: stop the other server"
              " or pass --port (make serve PORT=...)", file=sys.stderr)
        return 1
    import uvicorn

    from serving.api import create_app
    from serving.layout import read_current
    from serving.snapshot import SnapshotHolder

    if read_current(config.serving_dir) is None:
        print(f"note: no snapshot published in {config.serving_dir} yet (make run publishes"
              " one); /readyz answers 503 until then, and the server loads it when it lands",
              flush=True)
    holder = SnapshotHolder(config.serving_dir, config.poll_seconds)
    app = create_app(holder)
    print(f"serving {config.serving_dir} on http://{config.host}:{config.port}"
          f" (API docs: http://{config.host}:{config.port}/docs; Ctrl-C stops)", flush=True)
    # Keep-alive: uvicorn's default 5 s idle close races a client reusing the connection
    # (wrk saw a read error every few thousand paced requests); 75 s outlives the 60 s
    # idle timeout load balancers commonly keep, so they close first.
    uvicorn.run(app, host=config.host, port=config.port, log_level="warning",
                access_log=False, loop="uvloop", http="httptools", timeout_keep_alive=75)
    return 0


def _port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                return False
            raise
    return True
