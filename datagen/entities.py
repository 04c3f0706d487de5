"""Users, their latent preferences, the follow graph and tweets.

The latent structure lives here: each user prefers a few topics, each tweet has a true
topic and a quality, and the follow graph grows by preferential attachment with topic
homophily. Events (events.py) are drawn from these, so a model can learn them back.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from datagen.config import COUNTRIES, DAY_MS, HOUR_MS, TOPICS, GenConfig
from datagen.rhythm import rhythmic_times
from datagen.search import searchsorted_cdf
from datagen.textcols import sorted_unique

N_TOPICS = len(TOPICS)
MAX_PREFS = 3
TWEET_ID_BASE = 1_000_000_000  # tweet ids never collide with user ids
HUMAN_ACTIVITY_CAP = 60.0  # most active human = 60x the typical one, well below a bot
PRE_WINDOW_DAYS = 7  # tweets from the week before the window feed the first days


@dataclass(frozen=True)
class Users:
    """Accounts in signup order (row i has user_id i + 1), with hidden traits."""

    user_id: np.ndarray
    signup_ms: np.ndarray
    country: np.ndarray  # index into COUNTRIES
    utc_offset_ms: np.ndarray
    is_verified: np.ndarray
    is_bot: np.ndarray
    activity: np.ndarray  # relative session rate, mean 1 over humans; 0 for bots
    pref_topics: np.ndarray  # (n, MAX_PREFS) topic index, -1 where unused
    pref_weights: np.ndarray  # (n, MAX_PREFS) weights summing to 1 per user
    primary_client: np.ndarray
    bias: np.ndarray  # engagement propensity (the "user CTR" a model can learn)
    author_z: np.ndarray  # author quality on a logit scale
    is_heavy: np.ndarray  # heavy human (--heavy-user-share): many sessions, human rhythm

    @property
    def n(self) -> int:
        return int(self.user_id.size)

    def affinity_table(self) -> np.ndarray:
        """(users, topics) preference, scaled so each user's favourite topic is 1.

        A dense table makes the per-event look-up a single gather.
        """
        table = np.zeros((self.n, N_TOPICS), dtype=np.float64)
        rows = np.repeat(np.arange(self.n), MAX_PREFS)
        used = self.pref_topics.ravel() >= 0
        scaled = self.pref_weights / self.pref_weights.max(axis=1, keepdims=True)
        table[rows[used], self.pref_topics.ravel()[used]] = scaled.ravel()[used]
        return table


@dataclass(frozen=True)
class Follows:
    """Follow edges sorted by (follower, followee); `key` = follower << 32 | followee."""

    follower: np.ndarray  # row index into Users
    followee: np.ndarray
    followed_ms: np.ndarray
    key: np.ndarray
    in_degree: np.ndarray  # per user


@dataclass(frozen=True)
class Tweets:
    """Tweets in creation order (row i has tweet_id TWEET_ID_BASE + i + 1)."""

    tweet_id: np.ndarray
    author: np.ndarray  # row index into Users
    created_ms: np.ndarray
    latent_topic: np.ndarray
    observed_topic: np.ndarray
    quality: np.ndarray  # in (0, 1)
    has_media: np.ndarray
    deleted_ms: np.ndarray  # -1 when live
    virality: np.ndarray  # how strongly feeds push it (drives item popularity)

    @property
    def n(self) -> int:
        return int(self.tweet_id.size)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _pareto_activity(rng: np.random.Generator, n: int) -> np.ndarray:
    """Power-law session rates (tail index 1.4), capped so no human looks like a bot."""
    raw = np.minimum((1.0 - rng.random(n)) ** (-1.0 / 1.4), HUMAN_ACTIVITY_CAP)
    return raw / raw.mean()


def _preferences(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """1-3 distinct preferred topics per user with Dirichlet weights.

    Topics differ in overall popularity (Gumbel top-k on log popularity samples without
    replacement in proportion to it), which is what real topic mixes look like.
    """
    popularity = np.log(np.linspace(2.0, 1.0, N_TOPICS))
    keys = popularity + rng.gumbel(size=(n, N_TOPICS))
    topics = np.argsort(-keys, axis=1, kind="stable")[:, :MAX_PREFS]
    count = rng.choice([1, 2, 3], size=n, p=[0.25, 0.45, 0.30])
    weights = rng.dirichlet(np.full(MAX_PREFS, 2.0), size=n)
    used = np.arange(MAX_PREFS)[None, :] < count[:, None]
    weights = np.where(used, weights, 0.0)
    weights /= weights.sum(axis=1, keepdims=True)
    # Sort each user's topics by weight so column 0 is the favourite.
    order = np.argsort(-weights, axis=1, kind="stable")
    topics = np.take_along_axis(topics, order, axis=1)
    weights = np.take_along_axis(weights, order, axis=1)
    topics = np.where(weights > 0, topics, -1)
    return topics.astype(np.int64), weights


def make_users(cfg: GenConfig, rng: np.random.Generator) -> Users:
    """Draw accounts: humans sign up over three years, bots in the last two months."""
    n = cfg.users
    n_bots = 0 if cfg.bot_rate == 0 else max(1, round(cfg.bot_rate * n))
    is_bot = np.zeros(n, dtype=bool)
    is_bot[rng.choice(n, size=n_bots, replace=False)] = True
    signup = cfg.start_ms - rng.integers(DAY_MS, 3 * 365 * DAY_MS, size=n)
    signup = np.where(is_bot, cfg.start_ms - rng.integers(DAY_MS, 60 * DAY_MS, size=n), signup)
    shares = np.array([c[2] for c in COUNTRIES])
    country = rng.choice(len(COUNTRIES), size=n, p=shares / shares.sum())
    activity = _pareto_activity(rng, n)
    pref_topics, pref_weights = _preferences(rng, n)
    author_z = rng.normal(0.0, 1.0, size=n)
    verified_p = _sigmoid(-4.0 + 0.9 * author_z + 0.4 * np.log(activity))
    verified = (rng.random(n) < verified_p) & ~is_bot
    client = rng.choice(3, size=n, p=[0.45, 0.40, 0.15])
    bias = rng.normal(0.0, 0.8, size=n)
    order = np.argsort(signup, kind="stable")  # user ids grow with signup time
    is_heavy = heavy_humans(activity, is_bot, cfg.heavy_user_share)
    if is_heavy.any():
        activity = np.where(is_heavy, heavy_activity(activity, is_bot, is_heavy, cfg), activity)
    activity = np.where(is_bot, 0.0, activity)
    activity = activity / activity[~is_bot].mean()
    offsets = np.array([c[3] for c in COUNTRIES]) * HOUR_MS
    return Users(
        user_id=np.arange(1, n + 1, dtype=np.int64),
        signup_ms=signup[order].astype(np.int64),
        country=country[order],
        utc_offset_ms=offsets[country[order]].astype(np.int64),
        is_verified=verified[order],
        is_bot=is_bot[order],
        activity=activity[order],
        pref_topics=pref_topics[order],
        pref_weights=pref_weights[order],
        primary_client=client[order],
        bias=bias[order],
        author_z=author_z[order],
        is_heavy=is_heavy[order],
    )


def heavy_humans(activity: np.ndarray, is_bot: np.ndarray, share: float) -> np.ndarray:
    """The most active `share` of humans (at least one when share > 0)."""
    heavy = np.zeros(activity.size, dtype=bool)
    humans = np.flatnonzero(~is_bot)
    if share <= 0 or humans.size == 0:
        return heavy
    count = max(1, round(share * humans.size))
    top = humans[np.argsort(-activity[humans], kind="stable")[:count]]
    heavy[top] = True
    return heavy


def heavy_activity(
    activity: np.ndarray, is_bot: np.ndarray, is_heavy: np.ndarray, cfg: GenConfig
) -> np.ndarray:
    """Session rate of heavy humans: the multiplier x the median human's, +-15% by rank.

    Events scale with sessions, so a heavy human emits about multiplier x the median
    human's events; no random draw, so the other users' draws are untouched.
    """
    median = float(np.median(activity[~is_bot]))
    rank = np.cumsum(is_heavy) - 1
    spread = 0.85 + 0.3 * rank / max(1, int(is_heavy.sum()) - 1)
    return cfg.heavy_user_multiplier * median * spread


def sample_pref_topic(rng: np.random.Generator, users: Users, user: np.ndarray) -> np.ndarray:
    """One topic per row of `user`, drawn in proportion to that user's weights."""
    cum = np.cumsum(users.pref_weights, axis=1)
    used = (users.pref_topics >= 0).sum(axis=1)
    u = rng.random(user.size)
    slot = np.zeros(user.size, dtype=np.int64)
    for k in range(MAX_PREFS - 1):  # column by column: no (events x prefs) temporaries
        slot += u > cum[:, k][user]
    slot = np.minimum(slot, used[user] - 1)  # rounding in cum must never pick an unused slot
    return users.pref_topics.ravel()[user * MAX_PREFS + slot]


def _weighted_pick(rng: np.random.Generator, weights: np.ndarray, size: int) -> np.ndarray:
    """Indices drawn with probability proportional to `weights` (cumsum + binary search)."""
    cum = np.cumsum(weights)
    return searchsorted_cdf(cum, rng.random(size) * cum[-1]).clip(0, weights.size - 1)


def _attach_batch(
    rng: np.random.Generator,
    users: Users,
    followers: np.ndarray,
    n_prior: int,
    in_degree: np.ndarray,
) -> np.ndarray:
    """Followees for one batch of new edges: preferential attachment among earlier users.

    Half of the edges stay inside one of the follower's preferred topics (homophily,
    so following an author says something about taste); the rest pick globally. Either
    way an account is chosen with probability proportional to in-degree + 1.
    """
    weights = in_degree[:n_prior] + 1.0
    targets = _weighted_pick(rng, weights, followers.size)
    homophily = rng.random(followers.size) < 0.5
    topic = sample_pref_topic(rng, users, followers)
    primary = users.pref_topics[:n_prior, 0]
    order = np.argsort(primary, kind="stable")
    cum = np.cumsum(weights[order])
    seg_lo = np.searchsorted(primary[order], np.arange(N_TOPICS), side="left")
    seg_hi = np.searchsorted(primary[order], np.arange(N_TOPICS), side="right")
    lo = np.where(seg_lo[topic] > 0, cum[np.maximum(seg_lo[topic] - 1, 0)], 0.0)
    hi = np.where(seg_hi[topic] > 0, cum[np.maximum(seg_hi[topic] - 1, 0)], 0.0)
    has_segment = hi > lo
    u = lo + rng.random(followers.size) * (hi - lo)
    pick = searchsorted_cdf(cum, u).clip(0, n_prior - 1)
    use_topic = homophily & has_segment
    return np.where(use_topic, order[pick], targets)


def make_follows(cfg: GenConfig, users: Users, rng: np.random.Generator) -> Follows:
    """Grow the follow graph in 20 signup-ordered batches of preferential attachment.

    Batching keeps it vectorised (one numpy pass per batch) while early, already
    popular accounts keep gaining followers: the in-degree ends up heavy-tailed.
    """
    n = users.n
    out_degree = np.exp(rng.normal(np.log(9.0), 0.9, size=n)) * users.activity.clip(0.2) ** 0.3
    out_degree = np.where(users.is_bot, rng.integers(100, 400, size=n), out_degree)
    out_degree = np.clip(np.round(out_degree), 1, max(1, min(n - 1, 2000))).astype(np.int64)
    bounds = np.linspace(0, n, 21).astype(np.int64)
    bounds[1] = max(bounds[1], 2)
    in_degree = np.zeros(n, dtype=np.float64)
    src_parts: list[np.ndarray] = []
    dst_parts: list[np.ndarray] = []
    for b in range(20):
        lo, hi = int(bounds[b]), int(bounds[b + 1])
        if hi <= lo:
            continue
        followers = np.repeat(np.arange(lo, hi), out_degree[lo:hi])
        if b == 0:
            followees = rng.integers(0, hi, size=followers.size)
        else:
            followees = _attach_batch(rng, users, followers, lo, in_degree)
        in_degree += np.bincount(followees, minlength=n)
        src_parts.append(followers)
        dst_parts.append(followees)
    src = np.concatenate(src_parts)
    dst = np.concatenate(dst_parts)
    key = sorted_unique((src[src != dst] << 32) | dst[src != dst])
    follower, followee = key >> 32, key & 0xFFFFFFFF
    later = np.maximum(users.signup_ms[follower], users.signup_ms[followee])
    in_window = rng.random(key.size) < 0.1
    before = later + (rng.random(key.size) * (cfg.start_ms - later)).astype(np.int64)
    during = cfg.start_ms + rng.integers(0, cfg.days * DAY_MS, size=key.size)
    followed = np.where(in_window, np.maximum(during, later + 1), before)
    return Follows(
        follower=follower,
        followee=followee,
        followed_ms=followed.astype(np.int64),
        key=key,
        in_degree=np.bincount(followee, minlength=n).astype(np.int64),
    )


def make_tweets(cfg: GenConfig, users: Users, follows: Follows, rng: np.random.Generator) -> Tweets:
    """Draw tweets: prolific, well-followed humans post most; topics follow the author's taste.

    The classifier's observed topic is right 85% of the time, so the warehouse sees a
    noisy version of the truth, as it would in production.
    """
    n = cfg.tweets
    weights = (follows.in_degree + 1.0) ** 0.6 * users.activity**0.4
    weights = np.where(users.is_bot, 0.0, weights)
    author = _weighted_pick(rng, weights, n)
    first_ms = cfg.start_ms - PRE_WINDOW_DAYS * DAY_MS
    created = rhythmic_times(
        rng, n, first_ms, cfg.days + PRE_WINDOW_DAYS, users.utc_offset_ms[author]
    )
    created = np.maximum(created, users.signup_ms[author] + 1)
    on_taste = rng.random(n) < 0.8
    latent = np.where(
        on_taste, sample_pref_topic(rng, users, author), rng.integers(0, N_TOPICS, size=n)
    )
    correct = rng.random(n) < 0.85
    observed = np.where(correct, latent, rng.integers(0, N_TOPICS, size=n))
    quality_z = 0.8 * users.author_z[author] + rng.normal(0.0, 0.8, size=n) - 0.3
    quality = _sigmoid(quality_z)
    has_media = rng.random(n) < 0.35
    deleted = rng.random(n) < cfg.tweet_delete_rate
    lifetime = (rng.exponential(2.0 * DAY_MS, size=n) + 60_000).astype(np.int64)
    deleted_ms = np.where(deleted, created + lifetime, -1)
    virality = np.exp(
        0.8 * quality_z
        + 0.35 * np.log1p(follows.in_degree[author])
        + 0.3 * has_media
        + rng.normal(0.0, 0.6, size=n)
    )
    order = np.argsort(created, kind="stable")
    return Tweets(
        tweet_id=TWEET_ID_BASE + np.arange(1, n + 1, dtype=np.int64),
        author=author[order],
        created_ms=created[order].astype(np.int64),
        latent_topic=latent[order],
        observed_topic=observed[order],
        quality=quality[order],
        has_media=has_media[order],
        deleted_ms=deleted_ms[order].astype(np.int64),
        virality=virality[order],
    )
