"""Clean engagement events: timeline sessions, impressions, and the engagements they cause.

A session is one timeline fetch: a user (power-law activity) opens the app at a time that
follows the daily/weekly rhythm and scrolls past a few tweets, each an impression at
positions 0, 1, 2, ... Tweets come from followed authors (in-network) or from the user's
topics (out-of-network), recent and viral ones first. Each impression then turns into
engagements with a probability driven by user-topic affinity, tweet quality, following
the author, media, position and age: the signal a ranking model has to learn.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from datagen.config import DAY_MS, HOUR_MS, GenConfig
from datagen.entities import (
    N_TOPICS,
    PRE_WINDOW_DAYS,
    Follows,
    Tweets,
    Users,
    sample_pref_topic,
)
from datagen.rhythm import SLEEPING, rhythmic_times, times_on_days
from datagen.search import searchsorted_cdf, searchsorted_within
from datagen.textcols import scramble_ids

IMPRESSION, CLICK, LIKE, RETWEET, REPLY, PROFILE_CLICK, NEGATIVE = range(7)
# Clean events per impression (impression + its engagements), measured on the default
# sample; used to size the impression count from --events.
EVENTS_PER_IMPRESSION = 1.60
MEAN_SESSION_LENGTH = 8.0
IN_NETWORK_SHARE = 0.4
TOPIC_CANDIDATES = 4  # best-of-k by virality: popular tweets are shown far more often


@dataclass(frozen=True)
class Sessions:
    """Timeline fetches: who, when, how many tweets shown, from which client."""

    user: np.ndarray
    start_ms: np.ndarray
    length: np.ndarray
    client: np.ndarray


@dataclass(frozen=True)
class Events:
    """Event rows as parallel columns; `user` and `tweet` are row indices into Users/Tweets."""

    ts_ms: np.ndarray
    user: np.ndarray
    tweet: np.ndarray
    etype: np.ndarray
    position: np.ndarray
    client: np.ndarray

    @property
    def n(self) -> int:
        return int(self.ts_ms.size)

    def take(self, idx: np.ndarray) -> Events:
        """The rows at `idx`, in that order."""
        return Events(*(getattr(self, f)[idx] for f in _FIELDS))


_FIELDS = ("ts_ms", "user", "tweet", "etype", "position", "client")


def concat_events(parts: list[Events]) -> Events:
    """Rows of all `parts`, one after another."""
    return Events(*(np.concatenate([getattr(p, f) for p in parts]) for f in _FIELDS))


def sort_events(events: Events) -> Events:
    """Stable sort by time, so equal timestamps keep their generation order."""
    return events.take(np.argsort(events.ts_ms, kind="stable"))


def make_sessions(
    cfg: GenConfig, users: Users, n_impressions: int, rng: np.random.Generator
) -> Sessions:
    """Enough timeline fetches to show about `n_impressions` tweets, humans only."""
    n = max(1, round(n_impressions / MEAN_SESSION_LENGTH))
    has_heavy = bool(users.is_heavy.any())
    activity = np.where(users.is_heavy, 0.0, users.activity) if has_heavy else users.activity
    weights = np.cumsum(activity)
    user = searchsorted_cdf(weights, rng.random(n) * weights[-1])
    user = user.clip(0, users.n - 1)
    offset = users.utc_offset_ms[user]
    start = rhythmic_times(rng, n, cfg.start_ms, cfg.days, offset)
    length = np.minimum(rng.geometric(1.0 / MEAN_SESSION_LENGTH, size=n), 40)
    own = rng.random(n) < 0.85
    client = np.where(own, users.primary_client[user], rng.integers(0, 3, size=n))
    # Shapes (opt-in) draw after the default draws, so the default stream is untouched.
    if cfg.sparse_activity:
        day = sparse_days(cfg, users, user, rng)
        start = times_on_days(rng, day, cfg.start_ms, cfg.days, offset)
    if has_heavy:
        extra = heavy_sessions(cfg, users, user, length, rng)
        columns = zip((user, start, length, client), extra, strict=True)
        user, start, length, client = (np.concatenate(pair) for pair in columns)
    order = np.argsort(start, kind="stable")
    return Sessions(user[order], start[order], length[order], client[order])


def heavy_sessions(
    cfg: GenConfig,
    users: Users,
    user: np.ndarray,
    shown_per_session: np.ndarray,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(user, start, length, client) of the heavy humans' sessions.

    Each is shown multiplier x (+-15%) the tweets of the median active human, at times
    drawn over the whole window from a profile that sleeps 1-7 am local time: many
    events, but a human day (unlike bots, which run round the clock).
    """
    shown = np.bincount(user, weights=shown_per_session, minlength=users.n)
    active = shown[(shown > 0) & ~users.is_bot & ~users.is_heavy]
    median = float(np.median(active)) if active.size else MEAN_SESSION_LENGTH
    heavy = np.flatnonzero(users.is_heavy)
    spread = 0.85 + 0.3 * np.arange(heavy.size) / max(1, heavy.size - 1)
    sessions = cfg.heavy_user_multiplier * median / MEAN_SESSION_LENGTH * spread
    per_user = np.maximum(1, np.round(sessions))
    hu = np.repeat(heavy, per_user.astype(np.int64))
    start = rhythmic_times(rng, hu.size, cfg.start_ms, cfg.days, users.utc_offset_ms[hu], SLEEPING)
    length = np.minimum(rng.geometric(1.0 / MEAN_SESSION_LENGTH, size=hu.size), 40)
    own = rng.random(hu.size) < 0.85
    client = np.where(own, users.primary_client[hu], rng.integers(0, 3, size=hu.size))
    return hu, start, length, client


def sparse_days(
    cfg: GenConfig, users: Users, user: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Day of each session when users are active on only a few days (--sparse-activity).

    Each user gets k active days, k = 1 + floor(2 x Lomax(1.3)): 80% of users have 1-5,
    a long tail more. The days are a hash of (user, j), spread over the whole window;
    each session picks one of its user's k days. Heavy humans are active most days.
    """
    k = 1 + np.floor(2.0 * rng.pareto(1.3, size=users.n)).astype(np.int64)
    k = np.where(users.is_heavy, np.maximum(k, (0.8 * cfg.days)), k)
    k = np.clip(k, 1, cfg.days).astype(np.int64)
    j = (rng.random(user.size) * k[user]).astype(np.int64)
    key = scramble_ids(user.astype(np.int64) * (cfg.days + 1) + j, salt=cfg.seed + 17)
    return (key % np.uint64(cfg.days)).astype(np.int64)


def _impression_slots(
    sessions: Sessions, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(session index, position, timestamp) for every slot of every session.

    Scrolling takes 1.5 s plus an exponential dwell per tweet, so timestamps inside a
    session increase with position.
    """
    sess = np.repeat(np.arange(sessions.user.size), sessions.length)
    first = np.cumsum(sessions.length) - sessions.length
    position = np.arange(sess.size) - first[sess]
    gaps = 1500 + rng.exponential(3500.0, size=sess.size).astype(np.int64)
    gaps[first] = 0
    elapsed = np.cumsum(gaps)
    elapsed -= elapsed[first][sess]
    return sess, position, sessions.start_ms[sess] + elapsed


def _span(cfg: GenConfig) -> tuple[int, int]:
    """(origin, width) in ms that every tweet and event time fits into, for packed keys."""
    origin = cfg.start_ms - (PRE_WINDOW_DAYS + 1) * DAY_MS
    return origin, cfg.end_ms + 3 * DAY_MS - origin


@dataclass(frozen=True)
class TweetIndex:
    """Tweets grouped by topic and by author, each group in creation order.

    Answers "the k-th most recent tweet of this topic/author made before t" without
    per-event work: topics through a per-minute table of counts (an O(1) gather), authors
    through one binary search on packed (author, created) keys.
    """

    topic_order: np.ndarray  # tweet rows sorted by (topic, created)
    topic_lo: np.ndarray  # first position of each topic in topic_order
    topic_before: np.ndarray  # (topics, minutes + 1): tweets of the topic made before minute m
    author_order: np.ndarray
    author_lo: np.ndarray
    author_keys: np.ndarray
    origin_ms: int
    width_ms: int


MINUTE_MS = 60_000


def build_index(cfg: GenConfig, users: Users, tweets: Tweets) -> TweetIndex:
    """Sort tweets once by topic and by author (both stable: creation order inside)."""
    origin, width = _span(cfg)
    minutes = width // MINUTE_MS + 1
    topic_order = np.argsort(tweets.latent_topic, kind="stable")
    minute = (tweets.created_ms - origin) // MINUTE_MS
    counts = np.zeros((N_TOPICS, minutes + 1), dtype=np.int64)
    np.add.at(counts, (tweets.latent_topic, minute + 1), 1)  # made in minute m counts from m+1
    author_order = np.argsort(tweets.author, kind="stable")
    sorted_authors = tweets.author[author_order]
    return TweetIndex(
        topic_order=topic_order,
        topic_lo=np.searchsorted(tweets.latent_topic[topic_order], np.arange(N_TOPICS)),
        topic_before=np.cumsum(counts, axis=1),
        author_order=author_order,
        author_lo=np.searchsorted(sorted_authors, np.arange(users.n)),
        author_keys=sorted_authors * width + (tweets.created_ms[author_order] - origin),
        origin_ms=origin,
        width_ms=width,
    )


def _recent_by_topic(index: TweetIndex, topic: np.ndarray, ts: np.ndarray) -> np.ndarray:
    """Position in topic_order of the newest tweet of `topic` made before ts's minute.

    Minute granularity only hides tweets younger than a minute, which feeds do anyway.
    Returns a position below topic_lo[topic] when the topic has no tweet yet.
    """
    minute = (ts - index.origin_ms) // MINUTE_MS
    return index.topic_lo[topic] + index.topic_before[topic, minute] - 1


def _recent_by_author(index: TweetIndex, author: np.ndarray, ts: np.ndarray) -> np.ndarray:
    """Position in author_order of the newest tweet of `author` made before `ts`.

    Keys of other authors sit outside [author_lo[a], author_lo[a + 1]) (their author part
    differs and every offset is below width_ms), so the search stays in that range.
    """
    key = author * index.width_ms + (ts - index.origin_ms)
    bounds = np.append(index.author_lo, index.author_keys.size)
    return searchsorted_within(index.author_keys, key, bounds[author], bounds[author + 1]) - 1


def _topic_pick(
    cfg: GenConfig,
    users: Users,
    tweets: Tweets,
    index: TweetIndex,
    user: np.ndarray,
    ts: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Out-of-network tweet: a topic the user likes (75%) or any, then recent and viral.

    Several recent candidates compete on virality plus Gumbel noise (a softmax draw),
    which concentrates impressions on popular tweets: the item-popularity power law.
    """
    n = user.size
    liked = rng.random(n) < 0.75
    topic = np.where(liked, sample_pref_topic(rng, users, user), rng.integers(0, N_TOPICS, n))
    newest = _recent_by_topic(index, topic, ts)
    lowest = index.topic_lo[topic]
    per_topic_day = tweets.n / (cfg.days + PRE_WINDOW_DAYS) / N_TOPICS
    mean_back = max(1.0, 1.5 * per_topic_day)
    log_virality = np.log(tweets.virality)
    best = np.full(n, -1, dtype=np.int64)
    best_score = np.full(n, -np.inf)
    for _ in range(TOPIC_CANDIDATES):
        pos = newest - (rng.geometric(1.0 / mean_back, size=n) - 1)
        valid = pos >= lowest
        cand = index.topic_order.take(np.maximum(pos, 0))
        score = log_virality.take(cand)
        score += rng.gumbel(size=n)
        score[~valid] = -np.inf
        better = score > best_score
        np.copyto(best, cand, where=better)  # in place: no new arrays per candidate
        np.copyto(best_score, score, where=better)
    return best


def _network_pick(
    users: Users,
    follows: Follows,
    index: TweetIndex,
    user: np.ndarray,
    ts: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """In-network tweet: a recent tweet by an account the user already followed at `ts`."""
    degree = np.bincount(follows.follower, minlength=users.n)
    first_edge = np.cumsum(degree) - degree
    has = degree[user] > 0
    edge = first_edge[user] + (rng.random(user.size) * degree[user]).astype(np.int64)
    edge = np.where(has, edge, 0)
    author = follows.followee[edge]
    pos = _recent_by_author(index, author, ts) - (rng.geometric(0.6, size=user.size) - 1)
    ok = has & (follows.followed_ms[edge] < ts) & (pos >= index.author_lo[author])
    return np.where(ok, index.author_order[np.maximum(pos, 0)], -1)


def follows_author(
    follows: Follows, user: np.ndarray, author: np.ndarray, ts: np.ndarray
) -> np.ndarray:
    """Whether `user` followed `author` strictly before `ts` (binary search on edge keys).

    Edges are sorted by (follower, followee), so each user's edges are one contiguous
    range of keys and the search runs inside it.
    """
    if follows.key.size == 0:
        return np.zeros(user.size, dtype=bool)
    key = (user.astype(np.int64) << 32) | author
    first = np.searchsorted(follows.follower, np.arange(follows.in_degree.size + 1))
    j = searchsorted_within(follows.key, key, first[user], first[user + 1])
    j = j.clip(0, follows.key.size - 1)
    return (follows.key[j] == key) & (follows.followed_ms[j] < ts)


def make_impressions(
    cfg: GenConfig,
    users: Users,
    follows: Follows,
    tweets: Tweets,
    sessions: Sessions,
    rng: np.random.Generator,
) -> Events:
    """One impression per session slot that finds a visible tweet (live, not own, <7 days)."""
    sess, position, ts = _impression_slots(sessions, rng)
    user = sessions.user[sess]
    index = build_index(cfg, users, tweets)
    tweet = _topic_pick(cfg, users, tweets, index, user, ts, rng)
    want = np.flatnonzero(rng.random(user.size) < IN_NETWORK_SHARE)
    network = _network_pick(users, follows, index, user[want], ts[want], rng)
    found = network >= 0  # no recent tweet by a followee: the topic pick stays
    tweet[want[found]] = network[found]
    safe = np.maximum(tweet, 0)
    visible = (
        (tweet >= 0)
        & (tweets.author[safe] != user)
        & (ts - tweets.created_ms[safe] < 7 * DAY_MS)
        & ((tweets.deleted_ms[safe] < 0) | (ts < tweets.deleted_ms[safe]))
        & (ts < cfg.end_ms)
    )
    keep = np.flatnonzero(visible)
    return Events(
        ts_ms=ts[keep],
        user=user[keep],
        tweet=tweet[keep],
        etype=np.zeros(keep.size, dtype=np.int8),
        position=position[keep].astype(np.int16),
        client=sessions.client[sess[keep]].astype(np.int8),
    )


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def engagement_logit(
    users: Users, follows: Follows, tweets: Tweets, imp: Events
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(positive logit, negative-feedback logit, follows flag) per impression.

    Every term is something the warehouse can compute as a feature: the user's own
    rate (bias), their history on the tweet's topic (affinity), the author's quality
    and reach, following, media, position and age.

    The follow look-up (the costliest term) runs on a second thread while the others
    are computed; the sum keeps its order, so the floats are those of a plain sum.
    """
    author = tweets.author[imp.tweet]
    with ThreadPoolExecutor(max_workers=1) as pool:
        following = pool.submit(follows_author, follows, imp.user, author, imp.ts_ms)
        affinity = users.affinity_table()[imp.user, tweets.latent_topic[imp.tweet]]
        quality_z = np.log(tweets.quality[imp.tweet] / (1.0 - tweets.quality[imp.tweet]))
        age_hours = (imp.ts_ms - tweets.created_ms[imp.tweet]) / HOUR_MS
        media = 0.35 * tweets.has_media[imp.tweet]
        position = 0.06 * imp.position
        age = 0.45 * np.log1p(age_hours / 6.0)
        bias = users.bias[imp.user]
        reach = 0.12 * np.log1p(follows.in_degree[author])
        followed = following.result()
    positive = -3.6 + 3.2 * affinity + 0.9 * quality_z + 0.8 * followed
    positive += media
    positive -= position
    positive -= age
    positive += bias
    positive += reach
    negative = -4.0 + 2.2 * (affinity == 0) - 0.6 * quality_z + 0.03 * imp.position
    return positive, negative, followed


# Offset of each engagement type's logit from the shared positive logit.
TYPE_OFFSETS = {CLICK: 0.0, LIKE: -0.6, RETWEET: -2.0, REPLY: -2.6, PROFILE_CLICK: -2.0}


def _delays(rng: np.random.Generator, n: int) -> np.ndarray:
    """Milliseconds from impression to engagement: seconds usually, hours to 2 days rarely.

    The rare long delays are why the label needs a horizon (24 h): a few engagements
    land after it.
    """
    quick = np.exp(rng.normal(np.log(12_000.0), 1.0, size=n))
    slow = rng.uniform(HOUR_MS, 40 * HOUR_MS, size=n)
    delay = np.where(rng.random(n) < 0.04, slow, quick)
    return np.maximum(delay.astype(np.int64), 1)


def make_engagements(
    users: Users,
    follows: Follows,
    tweets: Tweets,
    imp: Events,
    cfg: GenConfig,
    rng: np.random.Generator,
) -> Events:
    """Engagements caused by impressions; each one strictly after its impression."""
    positive, negative, followed = engagement_logit(users, follows, tweets, imp)
    parts: list[Events] = []
    any_positive = np.zeros(imp.n, dtype=bool)
    for etype, offset in TYPE_OFFSETS.items():
        extra = 0.8 * ~followed if etype == PROFILE_CLICK else 0.0
        hit = rng.random(imp.n) < _sigmoid(positive + offset + extra)
        any_positive |= hit
        parts.append(_engagement_rows(imp, np.flatnonzero(hit), etype, rng))
    neg = (rng.random(imp.n) < _sigmoid(negative)) & ~any_positive
    parts.append(_engagement_rows(imp, np.flatnonzero(neg), NEGATIVE, rng))
    out = concat_events(parts)
    live = (tweets.deleted_ms[out.tweet] < 0) | (out.ts_ms < tweets.deleted_ms[out.tweet])
    return out.take(np.flatnonzero(live & (out.ts_ms < cfg.end_ms)))


def _engagement_rows(
    imp: Events, idx: np.ndarray, etype: int, rng: np.random.Generator
) -> Events:
    """Rows of type `etype` copied from impressions `idx`, delayed after them."""
    rows = imp.take(idx)
    return Events(
        ts_ms=rows.ts_ms + _delays(rng, idx.size),
        user=rows.user,
        tweet=rows.tweet,
        etype=np.full(idx.size, etype, dtype=np.int8),
        position=rows.position,
        client=rows.client,
    )


def make_bot_events(
    cfg: GenConfig, users: Users, tweets: Tweets, rng: np.random.Generator
) -> Events:
    """Bots: hundreds of events a day, round the clock, random tweets, instant likes.

    Each bot is active for 3-7 days (then it gets banned); it shows none of the human
    rhythm or taste, only an inhuman rate that the warehouse must notice.
    """
    bots = np.flatnonzero(users.is_bot)
    if bots.size == 0 or cfg.bot_events_per_day == 0:
        return _empty_events()
    span = np.minimum(rng.integers(3, 8, size=bots.size), cfg.days)
    first_day = rng.integers(0, cfg.days - span + 1)
    rate = cfg.bot_events_per_day * rng.uniform(0.8, 1.2, size=bots.size) / 1.9
    n_imp = np.maximum(1, np.round(rate * span)).astype(np.int64)
    bot = np.repeat(bots, n_imp)
    lo = cfg.start_ms + np.repeat(first_day, n_imp) * DAY_MS
    ts = lo + (rng.random(bot.size) * np.repeat(span, n_imp) * DAY_MS).astype(np.int64)
    existing = np.searchsorted(tweets.created_ms, ts, side="left")
    tweet = (rng.random(bot.size) * existing).astype(np.int64)
    ok = existing > 0
    ok &= (tweets.deleted_ms[tweet] < 0) | (ts + 10_000 < tweets.deleted_ms[tweet])
    idx = np.flatnonzero(ok)
    imp = Events(
        ts_ms=ts[idx],
        user=bot[idx],
        tweet=tweet[idx],
        etype=np.zeros(idx.size, dtype=np.int8),
        position=rng.integers(0, 20, size=idx.size).astype(np.int16),
        client=np.where(rng.random(idx.size) < 0.7, 1, 2).astype(np.int8),
    )
    parts = [imp]
    for etype, p in ((LIKE, 0.6), (RETWEET, 0.3)):
        hit = np.flatnonzero(rng.random(imp.n) < p)
        rows = imp.take(hit)
        delay = rng.integers(300, 3000, size=hit.size)
        etypes = np.full(hit.size, etype, dtype=np.int8)
        parts.append(
            Events(rows.ts_ms + delay, rows.user, rows.tweet, etypes, rows.position, rows.client)
        )
    out = concat_events(parts)
    return out.take(np.flatnonzero(out.ts_ms < cfg.end_ms))


def _empty_events() -> Events:
    """No rows (a run without bots)."""
    empty = np.zeros(0, dtype=np.int64)
    small = empty.astype(np.int8)
    return Events(empty, empty, empty, small, empty.astype(np.int16), small)


def plan_sessions(cfg: GenConfig, users: Users, rng: np.random.Generator) -> Sessions:
    """The run's timeline fetches: the first draws of the events stream."""
    return make_sessions(cfg, users, round(cfg.events / EVENTS_PER_IMPRESSION), rng)


def simulate_events(
    cfg: GenConfig,
    users: Users,
    follows: Follows,
    tweets: Tweets,
    sessions: Sessions,
    rng: np.random.Generator,
) -> tuple[Events, Events]:
    """(human events, bot events) for `sessions`, continuing the stream that drew them.

    Split from `plan_sessions` so the app logs (which need only the sessions) can be
    built on another thread while these events are simulated.
    """
    imp = make_impressions(cfg, users, follows, tweets, sessions, rng)
    eng = make_engagements(users, follows, tweets, imp, cfg, rng)
    human = concat_events([imp, eng])
    return human, make_bot_events(cfg, users, tweets, rng)


def simulate(
    cfg: GenConfig, users: Users, follows: Follows, tweets: Tweets, rng: np.random.Generator
) -> tuple[Events, Events, Sessions]:
    """(human events, bot events, sessions).

    Events come out in nearly time-sorted runs (impressions by session, then each
    engagement type), which a stable sort later merges quickly.
    """
    sessions = plan_sessions(cfg, users, rng)
    human, bots = simulate_events(cfg, users, follows, tweets, sessions, rng)
    return human, bots, sessions
