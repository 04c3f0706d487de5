"""Similarity recovers real structure: neighbours share the generator's latent topic.

The generator knows each tweet's latent topic (ground_truth/tweet_topics.csv, never read
by a model; the topic column in raw_tweets is a noisy classifier's). Users engage mostly
with their preferred topics, so item-item co-engagement should link tweets of one latent
topic. Chance rate = the probability that two tweets drawn from the table's tweets share a
topic (sum of squared topic shares); the share of same-topic neighbour pairs must be far
above it.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TOPICS = PROJECT_ROOT / "ground_truth" / "tweet_topics.csv"


@pytest.fixture(scope="module")
def topic_agreement(ml_warehouse: Path) -> dict[str, float]:
    if not TOPICS.exists():
        pytest.fail(f"{TOPICS} is missing: run `make seeds` to regenerate the sample")
    with duckdb.connect(str(ml_warehouse), read_only=True) as con:
        con.execute(
            f"create temp table truth as select tweet_id, latent_topic from read_csv('{TOPICS}')"
        )
        same, top1_same, pairs = con.execute(
            """
            select
                avg(case when a.latent_topic = b.latent_topic then 1.0 else 0.0 end),
                avg(case when s.neighbour_rank = 1
                    then (case when a.latent_topic = b.latent_topic then 1.0 else 0.0 end) end),
                count(*)
            from marts.sim_tweet_tweet as s
            inner join truth as a on s.tweet_id = a.tweet_id
            inner join truth as b on s.neighbour_tweet_id = b.tweet_id
            where s.scope = 'serving'
            """
        ).fetchone()
        chance = con.execute(
            """
            with tweets as (
                select distinct tweet_id from marts.sim_tweet_tweet where scope = 'serving'
            ),
            shares as (
                select count(*) * 1.0 / sum(count(*)) over () as share
                from tweets inner join truth using (tweet_id)
                group by truth.latent_topic
            )
            select sum(share * share) from shares
            """
        ).fetchone()[0]
    return {"same": same, "top1_same": top1_same, "pairs": pairs, "chance": chance}


def test_neighbours_share_latent_topic_far_above_chance(topic_agreement) -> None:
    assert topic_agreement["pairs"] > 1000
    assert topic_agreement["chance"] < 0.5, "the sample should have several topics"
    assert topic_agreement["same"] > 5 * topic_agreement["chance"]
    assert topic_agreement["same"] > 0.6


def test_best_neighbour_is_even_more_often_same_topic(topic_agreement) -> None:
    assert topic_agreement["top1_same"] >= topic_agreement["same"] - 0.02
