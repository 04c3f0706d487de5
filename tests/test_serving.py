"""The serving API as its clients see it: a real server process (python -m serving serve)
over a snapshot of the session's trained and scored warehouse, and real HTTP requests.

Online = offline (DESIGN rule 6): a score served over HTTP equals the batch score of the
same user, tweet and as-of time, because the online store holds the same feature values
and the snapshot the same fitted pipeline."""

from __future__ import annotations

import http.client
import json
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pytest
from conftest import PROJECT_ROOT, ScoredWarehouse, batch_serving_top_k

from serving.api import RecommendationsResponse, ScoreResponse
from serving.online_features import OnlineFeatureError, build_plan
from serving.parity import check_parity
from serving.process import ServerProcess, start_server, stop_server
from serving.publish import publish
from serving.recommendations import plain_k
from serving.snapshot import load_snapshot

pytestmark = pytest.mark.long

START_SECONDS = 120


@dataclass(frozen=True)
class Served:
    server: ServerProcess
    db: Path
    serving_dir: Path
    model_version: int

    @property
    def url(self) -> str:
        return self.server.url


def _start_server(serving_dir: Path, log: Path, ready: bool = True) -> ServerProcess:
    """The real server; with `ready`, once /readyz answers 200 (a snapshot is loaded)."""
    return start_server(serving_dir, log, wait_for="/readyz" if ready else "/healthz",
                        timeout=START_SECONDS)


def _request(
    url: str, method: str, path: str, body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict | str]:
    """One request on its own connection. A server may answer before it has read the
    whole body (413 for an oversized one) and close: the client's send then fails, but the
    answer is already on the socket, so it is read anyway, as an HTTP client should."""
    parsed = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
    try:
        connection.putrequest(method, path)
        sized = {} if body is None else {"Content-Length": str(len(body))}
        for name, value in {**(headers or {}), **sized}.items():
            connection.putheader(name, value)
        connection.endheaders()
        try:
            if body:
                connection.send(body)
        except (BrokenPipeError, ConnectionResetError):
            pass
        response = connection.getresponse()
        status, raw, kind = response.status, response.read(), response.headers
    finally:
        connection.close()
    text = raw.decode()
    if kind.get_content_type() == "application/json":
        return status, json.loads(text)
    return status, text


def _get(url: str, path: str) -> tuple[int, dict | str]:
    return _request(url, "GET", path)


def _post_json(url: str, path: str, payload: object) -> tuple[int, dict | str]:
    return _request(url, "POST", path, json.dumps(payload).encode(),
                    {"Content-Type": "application/json"})


def _query(db: Path, sql: str, params: list[object] | None = None) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


@pytest.fixture(scope="module")
def served(
    scored_warehouse: ScoredWarehouse, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    serving_dir = tmp_path_factory.mktemp("serving_api")
    result = publish(scored_warehouse.db, serving_dir)
    server = _start_server(serving_dir, serving_dir.parent / "server.log")
    try:
        yield Served(server, scored_warehouse.db, serving_dir, result.model_version)
    finally:
        stop_server(server)


def _batch_scores(served: Served, users: int) -> dict[str, list[tuple[str, float]]]:
    """Every serving candidate's batch score of `users` users drawn by a fixed hash."""
    rows = _query(
        served.db,
        """
        with drawn as (
            select distinct user_id from ml.predictions
            where model_version = ? and scope = 'serving'
            order by hash(user_id, 'serving-parity'), user_id
            limit ?
        )
        select users.user_key, tweets.tweet_key, predictions.score
        from ml.predictions as predictions
        inner join drawn on predictions.user_id = drawn.user_id
        inner join marts.dim_users as users on predictions.user_id = users.user_id
        inner join marts.dim_tweets as tweets on predictions.tweet_id = tweets.tweet_id
        where predictions.model_version = ? and predictions.scope = 'serving'
        order by users.user_key, tweets.tweet_key
        """,
        [served.model_version, users, served.model_version],
    )
    by_user: dict[str, list[tuple[str, float]]] = {}
    for user, tweet, score in rows:
        by_user.setdefault(user, []).append((tweet, score))
    return by_user


def test_online_scores_equal_the_batch_scores(served: Served) -> None:
    drawn = _batch_scores(served, users=60)
    assert len(drawn) == 60
    worst, pairs = 0.0, 0
    for user, items in drawn.items():
        status, body = _post_json(served.url, "/v1/score",
                                  {"user_id": user, "tweet_ids": [t for t, _ in items]})
        assert status == 200, body
        ScoreResponse.model_validate(body)
        assert body["model_version"] == served.model_version
        assert [s["tweet_id"] for s in body["scores"]] == [t for t, _ in items]
        assert all(s["retrieved"] for s in body["scores"])
        online = np.array([s["score"] for s in body["scores"]])
        worst = max(worst, float(np.max(np.abs(online - np.array([s for _, s in items])))))
        pairs += len(items)
    assert pairs > 1000
    assert worst <= 1e-9


def test_online_feature_vectors_equal_the_point_in_time_join(served: Served) -> None:
    """Every serving candidate's online vector, bit for bit (NULL as NaN), against
    marts.feat_scoring_candidates read as batch scoring reads it, and its score."""
    snapshot = load_snapshot(served.serving_dir, _ready(served)["snapshot_id"])
    with duckdb.connect(str(served.db), read_only=True) as con:
        report = check_parity(con, snapshot, users=None)
    assert report.pairs > 100_000
    assert report.holds(), report.describe()


def test_parity_finds_a_feature_the_online_store_gets_wrong(served: Served) -> None:
    """The check above can fail: one user-table column shifted by one is caught."""
    snapshot = load_snapshot(served.serving_dir, _ready(served)["snapshot_id"])
    column = snapshot.parts.users.columns.index("f_user_following")
    snapshot.parts.users.values[:, column] += 1
    with duckdb.connect(str(served.db), read_only=True) as con:
        report = check_parity(con, snapshot, users=20)
    assert not report.holds()
    assert set(report.mismatched_features) == {"f_user_following"}


def test_recommendations_are_the_batch_top_k(served: Served) -> None:
    with duckdb.connect(str(served.db), read_only=True) as con:
        expected = batch_serving_top_k(con, served.model_version, users=20)
    assert len(expected) == 20
    for user, items in expected.items():
        status, body = _get(served.url, f"/v1/users/{user}/recommendations?k=10")
        assert status == 200, body
        RecommendationsResponse.model_validate(body)
        assert body["known_user"] is True
        assert [(i["tweet_id"], i["score"]) for i in body["items"]] == items
        assert [i["rank"] for i in body["items"]] == list(range(1, len(items) + 1))
        assert all(i["sources"] for i in body["items"])


@pytest.mark.parametrize(
    "user", ["known", "unknown"],
)
def test_the_direct_path_and_the_validating_route_give_the_same_answer(
    served: Served, user: str
) -> None:
    """`?k=7` is answered before routing (serving/recommendations.py); `?k=07` and a
    query with another parameter go through FastAPI's route. Same bodies either way."""
    user_id = _known_ids(served)[0] if user == "known" else "nobody-at-all"
    path = f"/v1/users/{user_id}/recommendations"
    answers = [_get(served.url, path + query) for query in ("?k=7", "?k=07", "?k=7&debug=1")]
    assert [status for status, _ in answers] == [200, 200, 200]
    direct, *routed = [body for _, body in answers]
    assert len(direct["items"]) == 7
    assert routed == [direct, direct]
    assert _get(served.url, path)[1] == _get(served.url, path + "?k=10")[1]


@pytest.mark.parametrize(
    ("query", "k"),
    [(b"", 10), (b"k=1", 1), (b"k=100", 100), (b"k=9999", 9999), (b"k=10000", None),
     (b"k=0", None), (b"k=01", None), (b"k=", None), (b"k=-1", None), (b"k=+1", None),
     (b"k=1&k=2", None), (b"x=1", None), (b"k=1%30", None), (b"k=\xd9\xa1", None)],
)
def test_the_direct_path_takes_only_a_plain_k(query: bytes, k: int | None) -> None:
    assert plain_k(query) == k


def test_an_unknown_user_gets_the_cold_start_list_flagged(served: Served) -> None:
    expected = [
        key for (key,) in _query(
            served.db,
            "select tweets.tweet_key from marts.feat_online_cold_start as cold"
            " inner join marts.dim_tweets as tweets on cold.tweet_id = tweets.tweet_id"
            " order by cold.trend_rank limit 5",
        )
    ]
    status, body = _get(served.url, "/v1/users/nobody-we-know/recommendations?k=5")
    assert status == 200, body
    assert (body["known_user"], body["cold_start"]) == (False, True)
    assert [i["tweet_id"] for i in body["items"]] == expected
    assert all(i["score"] is None and i["sources"] == ["cold_start"] for i in body["items"])


def test_a_known_user_without_history_is_flagged_cold(served: Served) -> None:
    (user,) = _query(
        served.db,
        "select user_key from marts.feat_online_user where is_cold order by user_id limit 1",
    )[0]
    status, body = _get(served.url, f"/v1/users/{user}/recommendations")
    assert status == 200, body
    assert (body["known_user"], body["cold_start"], body["k"]) == (True, True, 10)
    assert len(body["items"]) == 10


def test_a_live_tweet_retrieval_did_not_propose_is_scored_and_marked(served: Served) -> None:
    user, tweet = _query(
        served.db,
        """
        select users.user_key, tweets.tweet_key
        from marts.feat_online_user as users
        cross join marts.feat_online_tweet as tweets
        where not exists (
            select 1 from marts.feat_online_candidate as c
            where c.user_id = users.user_id and c.tweet_id = tweets.tweet_id
        )
        order by users.user_id, tweets.tweet_id
        limit 1
        """,
    )[0]
    status, body = _post_json(served.url, "/v1/score", {"user_id": user, "tweet_ids": [tweet]})
    assert status == 200, body
    (scored,) = body["scores"]
    assert scored["retrieved"] is False
    assert 0.0 < scored["score"] < 1.0


def _known_ids(served: Served) -> tuple[str, str]:
    return _query(
        served.db,
        "select u.user_key, t.tweet_key from marts.feat_online_candidate as c"
        " inner join marts.dim_users as u on c.user_id = u.user_id"
        " inner join marts.dim_tweets as t on c.tweet_id = t.tweet_id"
        " order by c.user_id, c.tweet_id limit 1",
    )[0]


JSON = {"Content-Type": "application/json"}
# (what is wrong, method, path, body, headers, status, words the message must contain).
# {user} and {tweet} are known ids.
BAD_REQUESTS = [
    ("unknown user", "POST", "/v1/score", '{"user_id": "nobody", "tweet_ids": ["{tweet}"]}',
     JSON, 404, "not in snapshot"),
    ("unknown tweets", "POST", "/v1/score", '{"user_id": "{user}", "tweet_ids": ["no", "{tweet}"]}',
     JSON, 404, "not live"),
    ("k = 0", "GET", "/v1/users/{user}/recommendations?k=0", None, {}, 422, "query.k"),
    ("k negative", "GET", "/v1/users/{user}/recommendations?k=-3", None, {}, 422, "query.k"),
    ("k above the lists", "GET", "/v1/users/{user}/recommendations?k=101", None, {}, 422,
     "between 1 and 100"),
    ("k above any list", "GET", "/v1/users/{user}/recommendations?k=100000", None, {}, 422,
     "query.k"),
    ("k not a number", "GET", "/v1/users/{user}/recommendations?k=ten", None, {}, 422, "query.k"),
    ("id too long", "GET", "/v1/users/" + "x" * 300 + "/recommendations", None, {}, 422,
     "user_id"),
    ("malformed JSON", "POST", "/v1/score", '{"user_id": "{user}", "tweet_ids": [', JSON, 422,
     "not valid JSON"),
    ("10,000 ids", "POST", "/v1/score",
     json.dumps({"user_id": "u", "tweet_ids": [str(i) for i in range(10_000)]}), JSON, 422,
     "at most 500"),
    ("no ids", "POST", "/v1/score", '{"user_id": "{user}", "tweet_ids": []}', JSON, 422,
     "tweet_ids"),
    ("ids not a list", "POST", "/v1/score", '{"user_id": "{user}", "tweet_ids": "{tweet}"}',
     JSON, 422, "tweet_ids"),
    ("user missing", "POST", "/v1/score", '{"tweet_ids": ["{tweet}"]}', JSON, 422, "user_id"),
    ("user null", "POST", "/v1/score", '{"user_id": null, "tweet_ids": ["{tweet}"]}', JSON, 422,
     "user_id"),
    ("boolean id", "POST", "/v1/score", '{"user_id": true, "tweet_ids": ["{tweet}"]}', JSON, 422,
     "user_id"),
    ("fractional id", "POST", "/v1/score", '{"user_id": "{user}", "tweet_ids": [1.5]}', JSON,
     422, "tweet_ids"),
    ("unknown field", "POST", "/v1/score",
     '{"user_id": "{user}", "tweet_ids": ["{tweet}"], "k": 3}', JSON, 422, "k"),
    ("a JSON list", "POST", "/v1/score", '["{user}", "{tweet}"]', JSON, 422, "body"),
    ("text/plain", "POST", "/v1/score", '{"user_id": "{user}", "tweet_ids": ["{tweet}"]}',
     {"Content-Type": "text/plain"}, 415, "Content-Type"),
    ("form-encoded", "POST", "/v1/score", "user_id={user}&tweet_ids={tweet}",
     {"Content-Type": "application/x-www-form-urlencoded"}, 415, "application/json"),
    ("1 MB body", "POST", "/v1/score", '{"user_id": "' + "x" * 1_000_000 + '"}', JSON, 413,
     "larger than"),
    ("unknown path", "GET", "/v1/users", None, {}, 404, "Not Found"),
    ("wrong method", "PUT", "/v1/score", '{}', JSON, 405, "Method Not Allowed"),
]


@pytest.mark.parametrize(
    ("method", "path", "body", "headers", "status", "words"),
    [case[1:] for case in BAD_REQUESTS],
    ids=[case[0] for case in BAD_REQUESTS],
)
def test_bad_input_gets_a_4xx_that_says_what_to_fix(
    served: Served, method: str, path: str, body: str | None, headers: dict[str, str],
    status: int, words: str,
) -> None:
    user, tweet = _known_ids(served)
    fill = {"{user}": user, "{tweet}": tweet}
    for placeholder, value in fill.items():
        path = path.replace(placeholder, value)
        body = body.replace(placeholder, value) if body is not None else None
    got, answer = _request(served.url, method, path, body.encode() if body else None, headers)
    assert got == status, answer
    assert isinstance(answer, dict) and words in answer["error"], answer
    assert "\n" not in answer["error"]


def test_no_request_so_far_got_a_server_error(served: Served) -> None:
    status, text = _get(served.url, "/metrics")
    assert status == 200
    statuses = [line for line in str(text).splitlines()
                if line.startswith("serving_requests_total{")]
    assert statuses, text
    assert not [line for line in statuses if 'status="5' in line]


def test_metrics_report_requests_latency_and_the_snapshot(served: Served) -> None:
    _get(served.url, "/v1/users/anyone/recommendations")
    status, text = _get(served.url, "/metrics")
    assert status == 200
    assert 'serving_requests_total{method="GET",route="/v1/users/{user_id}/recommendations"' \
        in str(text)
    assert "serving_request_duration_seconds_bucket{" in str(text)
    assert f"serving_snapshot_model_version {float(served.model_version)}" in str(text)
    assert "serving_snapshot_age_seconds " in str(text)


def _ready(served: Served) -> dict:
    status, body = _get(served.url, "/readyz")
    assert status == 200, body
    return body  # type: ignore[return-value]


def test_health_and_readiness(served: Served) -> None:
    assert _get(served.url, "/healthz") == (200, {"status": "ok"})
    body = _ready(served)
    assert body["status"] == "ready" and body["model_version"] == served.model_version


def test_the_openapi_page_documents_every_field(served: Served) -> None:
    status, spec = _get(served.url, "/openapi.json")
    assert status == 200
    ours = ("Item", "RecommendationsResponse", "ScoreRequest", "ScoredTweet", "ScoreResponse",
            "Readiness", "ErrorBody")
    schemas = spec["components"]["schemas"]
    undocumented = [
        f"{name}.{field}" for name in ours
        for field, definition in schemas[name]["properties"].items()
        if not definition.get("description")
    ]
    parameters = [
        p["name"] for path in spec["paths"].values() for op in path.values()
        for p in op.get("parameters", []) if not p.get("description")
    ]
    assert not undocumented and not parameters, (undocumented, parameters)


def test_a_snapshot_swap_under_load_loses_no_request(served: Served) -> None:
    """Clients keep asking while a new snapshot is published: every answer is a 200 from
    one snapshot, and a client that saw the new one never sees the old one again."""
    user, tweet = _known_ids(served)
    old = _ready(served)["snapshot_id"]
    stop = threading.Event()
    seen: list[list[tuple[int, str]]] = [[] for _ in range(3)]

    def client(index: int) -> None:
        host, port = served.url.removeprefix("http://").split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        while not stop.is_set():
            if index % 2:
                connection.request("POST", "/v1/score",
                                   json.dumps({"user_id": user, "tweet_ids": [tweet]}), JSON)
            else:
                connection.request("GET", f"/v1/users/{user}/recommendations?k=10")
            response = connection.getresponse()
            body = json.loads(response.read())
            seen[index].append((response.status, body.get("snapshot_id", "")))
        connection.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(len(seen))]
    for thread in threads:
        thread.start()
    try:
        time.sleep(0.5)
        new = publish(served.db, served.serving_dir).snapshot_id
        deadline = time.monotonic() + 60
        while _ready(served)["snapshot_id"] != new and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.5)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    assert _ready(served)["snapshot_id"] == new != old
    answers = [answer for thread in seen for answer in thread]
    assert len(answers) > 50
    assert {status for status, _ in answers} == {200}
    assert {snapshot for _, snapshot in answers} == {old, new}
    for thread in seen:
        ids = [snapshot for _, snapshot in thread]
        first_new = ids.index(new) if new in ids else len(ids)
        assert set(ids[first_new:]) <= {new}, "a client saw the old snapshot after the new one"


def test_a_server_without_a_snapshot_waits_for_one(
    scored_warehouse: ScoredWarehouse, tmp_path: Path
) -> None:
    serving_dir = tmp_path / "serving"
    server = _start_server(serving_dir, tmp_path / "server.log", ready=False)
    try:
        status, body = _get(server.url, "/readyz")
        assert status == 503 and "make run" in body["reason"]
        status, body = _get(server.url, "/v1/users/anyone/recommendations")
        assert status == 503 and "make run" in body["error"]
        published = publish(scored_warehouse.db, serving_dir)
        deadline = time.monotonic() + 60
        while _get(server.url, "/readyz")[0] != 200 and time.monotonic() < deadline:
            time.sleep(0.2)
        status, body = _get(server.url, "/readyz")
        assert status == 200 and body["snapshot_id"] == published.snapshot_id
    finally:
        stop_server(server)


def test_serve_refuses_a_port_in_use(served: Served) -> None:
    port = served.url.rsplit(":", 1)[1]
    result = subprocess.run(
        [sys.executable, "-m", "serving", "--serving-dir", str(served.serving_dir), "serve",
         "--port", port],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode == 1
    assert "already in use" in result.stderr and "Traceback" not in result.stderr


def test_publish_refuses_a_warehouse_without_a_model(ml_warehouse: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "serving", "--serving-dir", str(tmp_path), "publish",
         "--db", str(ml_warehouse)],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("error: ") and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "CURRENT").exists()


def test_a_model_feature_without_an_online_source_is_refused() -> None:
    parts = {"user": ("f_user_engagements",), "tweet": ("f_tweet_impressions",)}
    build_plan(["f_position", "f_user_engagements", "f_tweet_impressions"], parts)
    with pytest.raises(OnlineFeatureError, match="no online source for f_new_feature"):
        build_plan(["f_user_engagements", "f_new_feature"], parts)
