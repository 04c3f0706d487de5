"""The HTTP API: recommendations and scores from the served snapshot, health, metrics.

Every request reads `holder.current` once and answers from that snapshot alone. Bad
input gets a 4xx whose JSON body is {"error": one line saying what to fix, "details":
...}; nothing a client sends can produce a 500.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Annotated, Any

import orjson
from fastapi import FastAPI, HTTPException, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, field_validator
from starlette.exceptions import HTTPException as StarletteHTTPException
from threadpoolctl import threadpool_limits

from serving.config import MAX_BODY_BYTES, MAX_SCORE_CANDIDATES
from serving.metrics import CONTENT_TYPE, ServingMetrics
from serving.recommendations import (
    DEFAULT_K,
    MAX_ID_LENGTH,
    ROUTE,
    ASGIApp,
    DirectRecommendations,
    recommendations_payload,
    snapshot_fields,
)
from serving.snapshot import Snapshot, SnapshotHolder

# The largest k the API accepts at all; a snapshot may hold fewer per user.
MAX_K = 1000

# Strict: a JSON true is not the id 1, and 1.5 is not an id.
Scalar = StrictInt | StrictStr


class Item(BaseModel):
    rank: int = Field(description="1 for the best; ranks are consecutive.")
    tweet_id: str = Field(description="The tweet, as the event log writes its id.")
    score: float | None = Field(
        description="The model's probability that the user engages with the tweet (batch "
        "score of the snapshot's model); null on the cold-start list of an unknown user, "
        "which is ranked by trend, not scored."
    )
    sources: list[str] = Field(
        description="The retrieval sources that proposed the tweet (item_similarity, "
        "followed_authors, topic_popularity, co_engagement, cold_start)."
    )


class SnapshotFields(BaseModel):
    model_version: int = Field(description="Registry version of the model behind the scores.")
    snapshot_id: str = Field(description="The serving snapshot that answered.")
    as_of: datetime = Field(
        description="The snapshot's as-of time (UTC): features use only events before it."
    )


class RecommendationsResponse(SnapshotFields):
    user_id: str = Field(description="The user asked about, as sent.")
    known_user: bool = Field(
        description="False when the snapshot does not know the user: the items are then the "
        "cold-start list."
    )
    cold_start: bool = Field(
        description="True when the user had no engagement before the as-of time (unknown "
        "users included): the list leans on what is popular, not on the user's history."
    )
    k: int = Field(description="How many items were asked for; fewer come back when fewer exist.")
    items: list[Item] = Field(description="The top-k tweets, best first.")


class ScoreRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: Scalar = Field(description="The user, as the event log writes the id.")
    tweet_ids: list[Scalar] = Field(
        min_length=1,
        max_length=MAX_SCORE_CANDIDATES,
        description=f"Candidate tweets to score (1 to {MAX_SCORE_CANDIDATES}), as the log "
        "writes their ids. Each must be live at the snapshot's as-of time.",
    )

    @field_validator("user_id")
    @classmethod
    def _user_text(cls, value: Scalar) -> str:
        return _id_text(value)

    @field_validator("tweet_ids")
    @classmethod
    def _tweets_text(cls, values: list[Scalar]) -> list[str]:
        return [_id_text(v) for v in values]


class ScoredTweet(BaseModel):
    tweet_id: str = Field(description="The tweet, as sent.")
    score: float = Field(description="The model's probability that the user engages with it.")
    retrieved: bool = Field(
        description="Whether retrieval proposed the tweet to this user; the model reads "
        "retrieval's ranks as features, which an unretrieved tweet lacks."
    )


class ScoreResponse(SnapshotFields):
    user_id: str = Field(description="The user, as sent.")
    scores: list[ScoredTweet] = Field(description="One per tweet sent, in the order sent.")


class Readiness(BaseModel):
    status: str = Field(description="'ready' when a snapshot is served, else 'not ready'.")
    snapshot_id: str | None = Field(default=None, description="The snapshot served.")
    model_version: int | None = Field(default=None, description="Its model version.")
    as_of: datetime | None = Field(default=None, description="Its as-of time (UTC).")
    age_seconds: float | None = Field(default=None, description="Seconds since it was published.")
    reason: str | None = Field(default=None, description="Why the server is not ready.")


class ErrorBody(BaseModel):
    error: str = Field(description="What went wrong and what to do, in one line.")
    details: list[dict[str, Any]] | None = Field(
        default=None, description="Per-field problems, when the request did not validate."
    )


def _id_text(value: Scalar) -> str:
    text = str(value)
    if not text or len(text) > MAX_ID_LENGTH:
        raise ValueError(f"an id has 1 to {MAX_ID_LENGTH} characters")
    return text


ERRORS = {
    404: {"model": ErrorBody, "description": "An id the snapshot does not know."},
    413: {"model": ErrorBody, "description": "The body is too large."},
    415: {"model": ErrorBody, "description": "The body is not JSON."},
    422: {"model": ErrorBody, "description": "The request does not validate."},
    503: {"model": ErrorBody, "description": "No snapshot is loaded yet."},
}


def create_app(holder: SnapshotHolder) -> FastAPI:
    """The application over `holder`; its lifespan starts the watcher that swaps in
    newly published snapshots."""
    metrics = ServingMetrics(holder)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # One OpenMP thread: scoring 100 rows on 2 threads was 7x slower (thread
        # start-up per call), and the event loop serves one request at a time anyway.
        # (python -m serving also sets OMP_NUM_THREADS=1 before OpenMP starts: a limit
        # applied this late still left 1 ms per request on the table.)
        limits = threadpool_limits(limits=1)
        holder.start()
        try:
            yield
        finally:
            holder.stop()
            limits.restore_original_limits()

    app = FastAPI(
        title="social-ml serving",
        summary="Recommendations and engagement scores from the latest serving snapshot.",
        version="1",
        lifespan=lifespan,
    )

    def served() -> Snapshot:
        snapshot = holder.current
        if snapshot is None:
            raise HTTPException(503, _not_ready_reason(holder))
        return snapshot

    @app.get(
        ROUTE,
        response_model=RecommendationsResponse,
        responses={k: v for k, v in ERRORS.items() if k in (422, 503)},
        summary="A user's top-k recommendations",
    )
    async def recommendations(
        user_id: Annotated[
            str, Path(min_length=1, max_length=MAX_ID_LENGTH, description="The user's id.")
        ],
        k: Annotated[
            int,
            Query(
                ge=1, le=MAX_K,
                description="How many tweets: 1 to the snapshot's list length (the candidates"
                " retrieved per user, 100 by default).",
            ),
        ] = DEFAULT_K,
    ) -> Response:
        snapshot = served()
        if k > snapshot.max_k:
            raise HTTPException(
                422, f"k={k} is above this snapshot's list length: ask for k between 1 and"
                f" {snapshot.max_k}",
            )
        return _json(recommendations_payload(snapshot, user_id, k))

    @app.post(
        "/v1/score",
        response_model=ScoreResponse,
        responses=ERRORS,
        summary="Score candidate tweets for a user",
    )
    async def score(request: ScoreRequest) -> Response:
        snapshot = served()
        row = snapshot.user_row(request.user_id)
        if row is None:
            raise HTTPException(
                404, f"user {request.user_id!r} is not in snapshot {snapshot.snapshot_id}:"
                " only users known at its as-of time can be scored (GET"
                " /v1/users/{user_id}/recommendations gives unknown users the cold-start list)",
            )
        missing = snapshot.missing_tweets(request.tweet_ids)
        if missing:
            shown = ", ".join(repr(m) for m in missing[:10])
            more = f" and {len(missing) - 10} more" if len(missing) > 10 else ""
            raise HTTPException(
                404, f"{len(missing)} tweet id(s) not live in snapshot {snapshot.snapshot_id}:"
                f" {shown}{more}; send tweets created before its as-of time and not deleted",
            )
        scores = snapshot.score(row, request.tweet_ids)
        retrieved = snapshot.is_retrieved(row, request.tweet_ids)
        metrics.scored.inc(len(request.tweet_ids))
        return _json({
            **snapshot_fields(snapshot),
            "user_id": request.user_id,
            "scores": [
                {"tweet_id": t, "score": s, "retrieved": r}
                for t, s, r in zip(request.tweet_ids, scores.tolist(), retrieved.tolist(),
                                   strict=True)
            ],
        })

    @app.get("/healthz", summary="Liveness: the process answers")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get(
        "/readyz",
        response_model=Readiness,
        responses={503: {"model": Readiness, "description": "No snapshot loaded yet."}},
        summary="Readiness: a snapshot is loaded and served",
    )
    async def readyz() -> JSONResponse:
        snapshot = holder.current
        if snapshot is None:
            body = Readiness(status="not ready", reason=_not_ready_reason(holder))
            return JSONResponse(body.model_dump(mode="json"), status_code=503)
        body = Readiness(
            status="ready",
            snapshot_id=snapshot.snapshot_id,
            model_version=snapshot.model_version,
            as_of=snapshot.as_of_at,
            age_seconds=round(
                datetime.now(UTC).timestamp()
                - snapshot.created_at.replace(tzinfo=UTC).timestamp(), 3
            ),
        )
        return JSONResponse(body.model_dump(mode="json"))

    @app.get("/metrics", summary="Prometheus metrics", response_class=Response)
    async def prometheus() -> Response:
        return Response(metrics.render(), media_type=CONTENT_TYPE)

    # Starlette's own class: its 404s and 405s (unknown paths, wrong methods) too.
    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, error: StarletteHTTPException) -> JSONResponse:
        return JSONResponse({"error": str(error.detail)}, status_code=error.status_code)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, error: RequestValidationError) -> JSONResponse:
        details = [_plain_error(e) for e in error.errors()]
        return JSONResponse(
            {"error": _validation_summary(details), "details": details}, status_code=422
        )

    # Added last is outermost: metrics time everything, the direct path answers plain
    # recommendations before routing, and the guard refuses bad bodies before parsing.
    app.add_middleware(RequestGuard, max_body_bytes=MAX_BODY_BYTES)
    recommendations_route = next(r for r in app.routes if getattr(r, "path", None) == ROUTE)
    app.add_middleware(DirectRecommendations, holder=holder, route=recommendations_route)
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    return app


def _json(payload: dict[str, Any]) -> Response:
    """The answer serialised by orjson, bypassing FastAPI's re-validation of a response
    model: the payload is built here from typed values, in the shape the response
    models document (tests/test_serving.py checks the shapes against them)."""
    return Response(orjson.dumps(payload), media_type="application/json")


def _not_ready_reason(holder: SnapshotHolder) -> str:
    if holder.last_error:
        return f"the published snapshot failed to load: {holder.last_error}"
    return (
        f"no snapshot published in {holder.serving_dir} yet: run make run (or python -m"
        " serving publish) and the server picks it up"
    )


def _plain_error(error: dict[str, Any]) -> dict[str, Any]:
    """A validation error without the echoed input (it can be 10,000 ids long)."""
    return {
        "field": ".".join(str(part) for part in error.get("loc", ())),
        "problem": error.get("msg", ""),
        "type": error.get("type", ""),
    }


def _validation_summary(details: list[dict[str, Any]]) -> str:
    if any(d["type"] == "json_invalid" for d in details):
        return (
            'the body is not valid JSON: send {"user_id": "...", "tweet_ids": ["...", ...]}'
            " with Content-Type: application/json"
        )
    first = details[0] if details else {"field": "request", "problem": "invalid"}
    more = f" (and {len(details) - 1} more problems)" if len(details) > 1 else ""
    return f"{first['field']}: {first['problem']}{more}; see /docs for the request's shape"


class RequestGuard:
    """Refuses, before anything is parsed, a body that is not JSON (415) or is larger
    than `max_body_bytes` (413), whether or not it declares its length."""

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        media_type = headers.get("content-type", "").split(";")[0].strip().lower()
        if media_type != "application/json":
            await _reject(send, 415, f"Content-Type is {media_type or 'missing'}: send the body"
                          " as JSON with Content-Type: application/json")
            return
        declared = headers.get("content-length")
        too_large = (
            f"the body is larger than {self.max_body_bytes} bytes: send at most"
            f" {MAX_SCORE_CANDIDATES} tweet ids per request"
        )
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_body_bytes):
            await _reject(send, 413, too_large)
            return
        # Read the body here, bounded (a chunked upload declares no length), and hand
        # the application the buffered copy.
        chunks = []
        received = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return
            chunks.append(message.get("body", b""))
            received += len(chunks[-1])
            if received > self.max_body_bytes:
                await _reject(send, 413, too_large)
                return
            if not message.get("more_body", False):
                break
        buffered = {"type": "http.request", "body": b"".join(chunks), "more_body": False}
        replayed = False

        async def replay() -> dict:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return buffered

        await self.app(scope, replay, send)


async def _reject(send: Callable, status: int, message: str) -> None:
    body = JSONResponse({"error": message}, status_code=status)
    await send({"type": "http.response.start", "status": status, "headers": body.raw_headers})
    await send({"type": "http.response.body", "body": body.body})


CLIENT_CLOSED = 499


class MetricsMiddleware:
    """Counts and times every HTTP request by route template, method and status."""

    def __init__(self, app: ASGIApp, metrics: ServingMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: dict, receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        # No answer at all: the client went away first (nginx's 499), unless the
        # application raised, which the server turns into a 500.
        status = CLIENT_CLOSED

        async def send_status(message: dict) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        except BaseException:
            if status == CLIENT_CLOSED:
                status = 500
            raise
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            self.metrics.observe(template, scope["method"], status,
                                 time.perf_counter() - started)
