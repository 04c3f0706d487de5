"""The landing zone: where producers drop event batches and the stream loop finds them.

    <root>/raw_users.csv, raw_tweets.csv, raw_follows.csv, raw_app_logs.csv   whole files
    <root>/raw_events/<batch_id>.csv (or .parquet)                             one per batch

Batch ids sort in ingestion order. A batch file appears atomically (written under a
name starting with "_" and renamed), so a reader never sees half a batch; a landed batch
is never rewritten. docs/raw_data_contract.md, "Landing zone", is the contract.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from stream.batching import Batch

DIMENSIONS = ("raw_users", "raw_tweets", "raw_follows", "raw_app_logs")
_BATCH_FILE = re.compile(r"([A-Za-z0-9][A-Za-z0-9_.=-]*)\.(csv|parquet)")


class LandingZone:
    """A landing-zone directory (created on first write)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.events_dir = self.root / "raw_events"

    def batch_ids(self) -> list[str]:
        """The landed batches, in ingestion order."""
        if not self.events_dir.is_dir():
            return []
        found = (_BATCH_FILE.fullmatch(p.name) for p in self.events_dir.iterdir())
        return sorted(m.group(1) for m in found if m)

    def batch_path(self, batch_id: str) -> Path | None:
        """The file of a landed batch, or None."""
        for fmt in ("csv", "parquet"):
            path = self.events_dir / f"{batch_id}.{fmt}"
            if path.is_file():
                return path
        return None

    def land(self, batch: Batch, fmt: str = "csv") -> Path:
        """Write one batch atomically; refuses to overwrite a landed batch."""
        if not _BATCH_FILE.fullmatch(f"{batch.batch_id}.{fmt}"):
            raise ValueError(
                f"batch id {batch.batch_id!r} must be letters, digits, _ . = - "
                "(starting with a letter or digit)"
            )
        self.events_dir.mkdir(parents=True, exist_ok=True)
        final = self.events_dir / f"{batch.batch_id}.{fmt}"
        if final.exists():
            raise FileExistsError(f"batch {batch.batch_id} has already landed at {final}")
        _write_atomically(batch.rows, final, fmt)
        return final

    def land_dimensions(self, source_dir: Path) -> list[Path]:
        """Copy the whole-file tables (users, tweets, follows, app logs) from `source_dir`."""
        self.root.mkdir(parents=True, exist_ok=True)
        copied = []
        for name in DIMENSIONS:
            sources = [p for p in (source_dir / f"{name}.parquet", source_dir / f"{name}.csv")
                       if p.exists()]
            if not sources:
                raise FileNotFoundError(f"{source_dir} has neither {name}.parquet nor {name}.csv")
            target = self.root / sources[0].name
            temporary = self.root / f"_{sources[0].name}"
            shutil.copyfile(sources[0], temporary)
            os.replace(temporary, target)
            copied.append(target)
        return copied


def _write_atomically(rows: pa.Table, final: Path, fmt: str) -> None:
    temporary = final.with_name(f"_{final.name}")
    if fmt == "csv":
        pacsv.write_csv(rows, temporary)
    elif fmt == "parquet":
        pq.write_table(rows, temporary)
    else:
        raise ValueError(f"format must be csv or parquet, got {fmt!r}")
    os.replace(temporary, final)
