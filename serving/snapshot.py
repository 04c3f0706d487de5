"""A published snapshot in memory, and the holder that swaps a newer one in.

Everything a request needs is an array lookup: ids map to rows through dicts (the ids
as the log writes them: text keys) or binary searches (pairs), features are float32
matrices, recommendations are one slice per user. A snapshot is immutable once loaded;
a request takes the holder's current snapshot once and uses only it, so a swap in the
middle of a request can neither fail it nor mix two versions.
"""

from __future__ import annotations

import gc
import json
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from sklearn.pipeline import Pipeline

from ml.features import Feature, feature_matrix
from ml.predict import predict_positive
from ml.registry import file_sha256, load_pipeline_file
from serving.layout import FORMAT_VERSION, MANIFEST_FILE, MODEL_FILE, SNAPSHOTS_DIR, read_current
from serving.online_features import (
    FeaturePlan,
    FeatureTable,
    OnlineParts,
    PairIndex,
    assemble,
    build_plan,
)


class SnapshotError(RuntimeError):
    """A snapshot folder cannot be loaded; the message names the file and the fix."""


@dataclass(frozen=True)
class RankedItem:
    rank: int
    tweet_id: str
    score: float | None
    sources: tuple[str, ...]


class Snapshot:
    """One loaded snapshot: its manifest, model, online store and recommendations."""

    def __init__(self, folder: Path) -> None:
        started = time.perf_counter()
        self.folder = folder
        manifest_path = folder / MANIFEST_FILE
        try:
            self.manifest = json.loads(manifest_path.read_text())
        except (OSError, ValueError) as error:
            raise SnapshotError(f"cannot read {manifest_path}: {error}") from error
        if self.manifest.get("format_version") != FORMAT_VERSION:
            raise SnapshotError(
                f"{manifest_path} has format {self.manifest.get('format_version')}, this"
                f" server reads {FORMAT_VERSION}: publish again (python -m serving publish)"
            )
        self.snapshot_id: str = self.manifest["snapshot_id"]
        self.model_version: int = int(self.manifest["model_version"])
        self.as_of_at = datetime.fromisoformat(self.manifest["as_of_at"])
        self.created_at = datetime.fromisoformat(self.manifest["created_at"])
        self.feature_names: list[str] = list(self.manifest["features"])
        self.pipeline = _load_model(folder / MODEL_FILE, self.manifest["model_sha256"])
        part_columns = {p: tuple(c) for p, c in self.manifest["parts"].items()}
        self.plan: FeaturePlan = build_plan(self.feature_names, part_columns)
        tables = {part: pq.read_table(folder / f"{part}.parquet") for part in part_columns}

        users = tables["user"]
        self.user_rows = _row_of(users.column("user_key"))
        self.user_is_cold = users.column("is_cold").to_numpy(zero_copy_only=False)
        tweets = tables["tweet"]
        self.tweet_rows = _row_of(tweets.column("tweet_key"))
        self.tweet_keys: list[str] = tweets.column("tweet_key").to_pylist()
        tweet_ids = _sorted_ids(tweets, "tweet_id", folder)
        author_ids = _ids(tweets, "author_id")
        authors = tables["author"]
        author_index = _sorted_ids(authors, "author_id", folder)
        author_rows = np.searchsorted(author_index, author_ids)
        if author_index.size == 0 or not np.array_equal(
            author_index[np.minimum(author_rows, author_index.size - 1)], author_ids
        ):
            raise SnapshotError(f"{folder}: a tweet's author is missing from author.parquet")
        topic_codes = _topic_codes(tweets.column("topic"), tables["user_topic"].column("topic"))

        def part(name: str, order: np.ndarray | None = None) -> FeatureTable:
            columns = part_columns[name]
            values = feature_matrix(tables[name], [Feature(c, "float") for c in columns])
            values = values if order is None else values[order]
            return FeatureTable(columns, np.ascontiguousarray(values))

        def pair_part(name: str, first: np.ndarray, second: np.ndarray):
            # Published sorted by (first, second); sorting again would hold the GIL for
            # seconds at 10M events while the served snapshot answers requests.
            if _pairs_sorted(first, second):
                return part(name), PairIndex(first, second)
            order = np.lexsort((second, first))
            return part(name, order), PairIndex(first[order], second[order])

        user_author_part, user_author_index = pair_part(
            "user_author", _ids(tables["user_author"], "user_id"),
            _ids(tables["user_author"], "author_id"),
        )
        user_topic_part, user_topic_index = pair_part(
            "user_topic", _ids(tables["user_topic"], "user_id"),
            _encode(tables["user_topic"].column("topic"), topic_codes),
        )
        candidate_part, candidate_index = pair_part(
            "candidate", _ids(tables["candidate"], "user_id"),
            _ids(tables["candidate"], "tweet_id"),
        )
        self.parts = OnlineParts(
            users=part("user"),
            user_ids=_ids(users, "user_id"),
            tweets=part("tweet"),
            tweet_ids=tweet_ids,
            tweet_author_ids=author_ids,
            tweet_author_rows=author_rows.astype(np.int64),
            tweet_topics=_encode(tweets.column("topic"), topic_codes),
            authors=part("author"),
            user_authors=user_author_part,
            user_author_index=user_author_index,
            user_topics=user_topic_part,
            user_topic_index=user_topic_index,
            candidates=candidate_part,
            candidate_index=candidate_index,
        )
        self._load_recommendations(pq.read_table(folder / "recommendations.parquet"))
        cold = pq.read_table(folder / "cold_start.parquet")
        self.cold_start_rows = self._tweet_rows_of(_ids(cold, "tweet_id"), "cold_start.parquet")
        self.max_k = max(int(self._rec_counts.max(initial=0)), self.cold_start_rows.size)
        self.load_seconds = time.perf_counter() - started

    def _load_recommendations(self, recs: pa.Table) -> None:
        user_ids = _ids(recs, "user_id")
        if user_ids.size and np.any(np.diff(user_ids) < 0):
            raise SnapshotError(f"{self.folder}: recommendations.parquet is not sorted by user")
        self._rec_user_ids = user_ids
        self._rec_tweet_rows = self._tweet_rows_of(_ids(recs, "tweet_id"), "recommendations")
        self._rec_scores = recs.column("score").to_numpy(zero_copy_only=False)
        encoded = recs.column("candidate_sources").combine_chunks().dictionary_encode()
        self._source_names = [
            tuple(value.split(",")) if value else () for value in encoded.dictionary.to_pylist()
        ]
        self._rec_sources = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False)
        firsts = np.searchsorted(user_ids, self.parts.user_ids, side="left")
        lasts = np.searchsorted(user_ids, self.parts.user_ids, side="right")
        self._rec_first = firsts
        self._rec_counts = lasts - firsts

    def _tweet_rows_of(self, tweet_ids: np.ndarray, what: str) -> np.ndarray:
        """Rows in the tweet part of `tweet_ids`; every one must be there (live at T)."""
        rows = np.searchsorted(self.parts.tweet_ids, tweet_ids)
        known = self.parts.tweet_ids
        if tweet_ids.size and (
            known.size == 0
            or not np.array_equal(known[np.minimum(rows, known.size - 1)], tweet_ids)
        ):
            raise SnapshotError(f"{self.folder}: {what} name tweets missing from tweet.parquet")
        return rows.astype(np.int64)

    # Lookups used by the API --------------------------------------------------------

    def user_row(self, user_key: str) -> int | None:
        return self.user_rows.get(user_key)

    def missing_tweets(self, tweet_keys: list[str]) -> list[str]:
        return [key for key in tweet_keys if key not in self.tweet_rows]

    def recommendations(self, user_row: int, k: int) -> list[RankedItem]:
        first = int(self._rec_first[user_row])
        count = min(int(self._rec_counts[user_row]), k)
        return [
            RankedItem(
                rank=i + 1,
                tweet_id=self.tweet_keys[self._rec_tweet_rows[first + i]],
                score=float(self._rec_scores[first + i]),
                sources=self._sources(int(self._rec_sources[first + i])),
            )
            for i in range(count)
        ]

    def cold_start(self, k: int) -> list[RankedItem]:
        return [
            RankedItem(rank=i + 1, tweet_id=self.tweet_keys[row], score=None,
                       sources=("cold_start",))
            for i, row in enumerate(self.cold_start_rows[:k].tolist())
        ]

    def features(self, user_row: int, tweet_keys: list[str]) -> np.ndarray:
        """The model's feature vectors of the user with each tweet (all known)."""
        return assemble(self.plan, self.parts, user_row, self._rows(tweet_keys))

    def score(self, user_row: int, tweet_keys: list[str]) -> np.ndarray:
        """P(engagement) of the user with each tweet, by the snapshot's model."""
        return predict_positive(self.pipeline, self.features(user_row, tweet_keys))

    def is_retrieved(self, user_row: int, tweet_keys: list[str]) -> np.ndarray:
        user_id = int(self.parts.user_ids[user_row])
        tweet_ids = self.parts.tweet_ids[self._rows(tweet_keys)]
        return self.parts.candidate_index.find(user_id, tweet_ids) >= 0

    def _rows(self, tweet_keys: list[str]) -> np.ndarray:
        """Rows in the tweet part of `tweet_keys` (all known: missing_tweets first)."""
        return np.fromiter((self.tweet_rows[k] for k in tweet_keys), np.int64, len(tweet_keys))

    def _sources(self, code: int) -> tuple[str, ...]:
        return self._source_names[code] if code >= 0 else ()

    def memory_bytes(self) -> int:
        """Bytes of the arrays this snapshot holds (the dicts of keys not included)."""
        total = 0
        for value in vars(self.parts).values():
            if isinstance(value, FeatureTable):
                total += value.values.nbytes
            elif isinstance(value, PairIndex):
                total += value.first.nbytes + value.second.nbytes
            elif isinstance(value, np.ndarray):
                total += value.nbytes
        for array in (self._rec_user_ids, self._rec_tweet_rows, self._rec_scores,
                      self._rec_sources, self._rec_first, self._rec_counts):
            total += array.nbytes
        return total


def load_snapshot(serving_dir: Path, snapshot_id: str) -> Snapshot:
    folder = serving_dir / SNAPSHOTS_DIR / snapshot_id
    if not folder.is_dir():
        raise SnapshotError(f"CURRENT names {snapshot_id}, but {folder} does not exist")
    try:
        snapshot = Snapshot(folder)
    except SnapshotError:
        raise
    except (OSError, KeyError, ValueError, pa.ArrowException) as error:
        raise SnapshotError(f"cannot load snapshot {folder}: {error}") from error
    # Arrow's allocator keeps the pages of the Parquet reads (freed when the constructor
    # returned) for reuse: at 1M events 600 MiB resident beside 300 MiB of arrays.
    pa.default_memory_pool().release_unused()
    return snapshot


class SnapshotHolder:
    """The snapshot being served, and a watcher that swaps in each newly published one.

    `current` is one attribute read: a request that took it keeps that snapshot until
    it answers, whatever is swapped meanwhile. A new snapshot is loaded in full before
    the swap; one that fails to load is reported and the old one keeps serving."""

    def __init__(self, serving_dir: Path, poll_seconds: float = 1.0) -> None:
        self.serving_dir = serving_dir
        self.poll_seconds = poll_seconds
        self.current: Snapshot | None = None
        self.swaps = 0
        self.load_failures = 0
        self.last_error: str | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def refresh(self) -> bool:
        """Load CURRENT's snapshot if it is not the one served; True when swapped."""
        wanted = read_current(self.serving_dir)
        served = self.current
        if wanted is None or (served is not None and served.snapshot_id == wanted):
            return False
        try:
            loaded = load_snapshot(self.serving_dir, wanted)
        except SnapshotError as error:
            self.load_failures += 1
            self.last_error = str(error)
            return False
        self.current = loaded
        self.swaps += 1
        self.last_error = None
        _settle_garbage_collector()
        return True

    def start(self) -> None:
        self.refresh()
        self._thread = threading.Thread(target=self._watch, name="snapshot-watcher", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _watch(self) -> None:
        while not self._stop.wait(self.poll_seconds):
            self.refresh()


def _settle_garbage_collector() -> None:
    """Freeze every object alive now: the collector never walks them again.

    A full collection walks every tracked object, ~150k in this process, for ~80 ms;
    left to run during requests it made the score endpoint's tail (measured at 1M
    events). A replaced snapshot holds no reference cycles, so reference counting
    frees it, frozen or not; freezing takes microseconds."""
    gc.freeze()


def _load_model(path: Path, sha256: str) -> Pipeline:
    if not path.exists():
        raise SnapshotError(f"{path} is missing")
    if file_sha256(path) != sha256:
        raise SnapshotError(f"{path} does not match the manifest's sha256: publish again")
    try:
        return load_pipeline_file(path)
    except (TypeError, ValueError) as error:
        raise SnapshotError(str(error)) from error


def _ids(table: pa.Table, column: str) -> np.ndarray:
    return table.column(column).to_numpy(zero_copy_only=False).astype(np.int64, copy=False)


def _row_of(keys: pa.ChunkedArray) -> dict[str, int]:
    return {key: row for row, key in enumerate(keys.to_pylist())}


def _topic_codes(*columns: pa.ChunkedArray) -> dict[str, int]:
    """One code per distinct topic, in sorted order (so code order = topic order)."""
    topics: set[str] = set()
    for column in columns:
        topics.update(t for t in column.unique().to_pylist() if t is not None)
    return {topic: code for code, topic in enumerate(sorted(topics))}


def _encode(column: pa.ChunkedArray, codes: dict[str, int]) -> np.ndarray:
    return np.fromiter(
        (-1 if t is None else codes[t] for t in column.to_pylist()), np.int64, len(column)
    )


def _sorted_ids(table: pa.Table, column: str, folder: Path) -> np.ndarray:
    """The ids of an entity part, which lookups binary-search: unique and ascending."""
    ids = _ids(table, column)
    if ids.size and not np.all(np.diff(ids) > 0):
        raise SnapshotError(f"{folder}: {column} is not unique and ascending: publish again")
    return ids


def _pairs_sorted(first: np.ndarray, second: np.ndarray) -> bool:
    """Whether (first, second) pairs are in ascending order (ties in first by second)."""
    if first.size < 2:
        return True
    step = np.diff(first)
    return bool(np.all(step >= 0) and np.all(np.diff(second)[step == 0] >= 0))
