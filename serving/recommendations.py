"""The recommendations answer, and the direct path that serves it without routing.

The recommendations endpoint is the hot one (thousands of requests a second per core).
Its valid requests need no parsing beyond the path and one small integer, so
`DirectRecommendations` answers them before FastAPI routes, resolves dependencies and
validates parameters: at 1M events that machinery cost about as much CPU as the
answer itself. Anything else, and every request it cannot answer plainly (a bad k,
an id too long, no snapshot yet, an unusual query string), goes on to the FastAPI
route, which validates and words the errors; both paths build the body with
`recommendations_payload`, so they cannot disagree.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import orjson

from serving.snapshot import Snapshot, SnapshotHolder

ROUTE = "/v1/users/{user_id}/recommendations"
PREFIX, SUFFIX = ROUTE.split("{user_id}")
DEFAULT_K = 10
# Ids are the log's own (text); longer ones are not ids.
MAX_ID_LENGTH = 256
JSON_HEADERS = [(b"content-type", b"application/json")]

ASGIApp = Callable[[dict, Callable[[], Awaitable[dict]], Callable[[dict], Awaitable[None]]],
                   Awaitable[None]]


def snapshot_fields(snapshot: Snapshot) -> dict[str, Any]:
    return {
        "model_version": snapshot.model_version,
        "snapshot_id": snapshot.snapshot_id,
        "as_of": snapshot.as_of_at,
    }


def recommendations_payload(snapshot: Snapshot, user_id: str, k: int) -> dict[str, Any]:
    """The body of a user's top-k (k already checked against `snapshot.max_k`), in the
    shape api.RecommendationsResponse documents."""
    row = snapshot.user_row(user_id)
    items = snapshot.recommendations(row, k) if row is not None else []
    known, cold = row is not None, row is None or bool(snapshot.user_is_cold[row])
    if not items:
        # Unknown, or known with nothing retrieved: the cold-start list either way.
        items, cold = snapshot.cold_start(k), True
    return {
        **snapshot_fields(snapshot),
        "user_id": user_id,
        "known_user": known,
        "cold_start": cold,
        "k": k,
        "items": [
            {"rank": i.rank, "tweet_id": i.tweet_id, "score": i.score, "sources": list(i.sources)}
            for i in items
        ],
    }


class DirectRecommendations:
    """ASGI middleware: answers a plainly valid GET of the recommendations route itself.

    `route` is the FastAPI route it stands in for; it is put in the scope as routing
    would, so metrics label both paths alike."""

    def __init__(self, app: ASGIApp, holder: SnapshotHolder, route: object) -> None:
        self.app = app
        self.holder = holder
        self.route = route

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        body = self._answer(scope) if scope["type"] == "http" else None
        if body is None:
            await self.app(scope, receive, send)
            return
        scope["route"] = self.route
        headers = [*JSON_HEADERS, (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    def _answer(self, scope: dict) -> bytes | None:
        """The response body, or None when the request is not plainly valid."""
        path: str = scope["path"]
        if scope["method"] != "GET" or not path.startswith(PREFIX) or not path.endswith(SUFFIX):
            return None
        user_id = path[len(PREFIX):-len(SUFFIX)]
        if not 0 < len(user_id) <= MAX_ID_LENGTH or "/" in user_id:
            return None
        k = plain_k(scope["query_string"])
        snapshot = self.holder.current
        if k is None or snapshot is None or k > snapshot.max_k:
            return None
        return orjson.dumps(recommendations_payload(snapshot, user_id, k))


def plain_k(query: bytes) -> int | None:
    """k from a query string that is empty or exactly `k=N` (N of 1 to 4 digits, no
    leading zero); None for anything else, which the validating route handles."""
    if not query:
        return DEFAULT_K
    if not query.startswith(b"k=") or not 2 < len(query) <= 6:
        return None
    digits = query[2:]
    if not digits.isdigit() or digits.startswith(b"0"):
        return None
    return int(digits)
