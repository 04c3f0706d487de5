"""The checked-in sample's label is learnable: a small gradient-boosted model on features
the warehouse can compute (user CTR, user-topic history, author reach, follows, position,
age, media, popularity to date) beats a point-in-time popularity baseline on later days.

Label: the impression was followed by a positive engagement of the same (user, tweet)
within 24 hours. Features come from the first two weeks; train on week 3, test on week 4.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score
from threadpoolctl import threadpool_limits

ROOT = Path(__file__).resolve().parent.parent
FEATURES = ("u_ctr", "u_n", "ut_ctr", "ut_n", "a_fol", "follows", "pos", "age_h", "media", "pop")

IMPRESSIONS = """
create table imp as
with typed as (
    select
        try_strptime(event_ts, '%Y-%m-%d %H:%M:%S.%g') as ts,
        try_cast(user_id as bigint) as u,
        cast(tweet_id as bigint) as tw,
        lower(trim(event_type)) as et,
        cast(position as int) as pos,
        row_number() over (partition by event_id order by ingested_at) as nth
    from raw_events
),
ev as (select * exclude (nth) from typed where nth = 1 and ts is not null and u is not null),
i as (select row_number() over (order by ts, u, tw) as id, * from ev where et = 'impression'),
eng as (
    select u, tw, ts from ev
    where et in ('click', 'like', 'retweet', 'reply', 'profile_click')
),
lab as (
    select i.id, count(eng.u) > 0 as label
    from i left join eng
        on eng.u = i.u and eng.tw = i.tw
        and eng.ts > i.ts and eng.ts <= i.ts + interval 24 hour
    group by i.id
),
pop as (
    select i.id, count(eng.u) as pop
    from i left join eng on eng.tw = i.tw and eng.ts < i.ts
    group by i.id
),
fol as (
    select i.id, count(f.follower_id) > 0 as follows
    from i
    join raw_tweets as t on cast(t.tweet_id as bigint) = i.tw
    left join raw_follows as f
        on cast(f.follower_id as bigint) = i.u and f.followee_id = t.author_id
        and cast(f.followed_at as timestamp) < i.ts
    group by i.id
)
select
    i.*, lab.label, pop.pop, fol.follows, t.topic,
    t.has_media = 'true' as media,
    cast(t.author_id as bigint) as author,
    epoch(i.ts - cast(t.created_at as timestamp)) / 3600 as age_h
from i
join lab using (id)
join pop using (id)
join fol using (id)
join raw_tweets as t on cast(t.tweet_id as bigint) = i.tw
"""

FEATURE_ROWS = """
with hist as (select * from imp where ts < timestamp '2026-10-15'),
uc as (select u, avg(label::int) as u_ctr, count(*) as u_n from hist group by 1),
ut as (select u, topic, avg(label::int) as ut_ctr, count(*) as ut_n from hist group by 1, 2),
ap as (select cast(followee_id as bigint) as author, count(*) as a_fol from raw_follows group by 1)
select
    i.label, i.ts < timestamp '2026-10-22' as train,
    coalesce(u_ctr, 0) as u_ctr, coalesce(u_n, 0) as u_n,
    coalesce(ut_ctr, 0) as ut_ctr, coalesce(ut_n, 0) as ut_n,
    coalesce(a_fol, 0) as a_fol, i.follows, i.pos, i.age_h, i.media, i.pop
from imp as i
left join uc using (u)
left join ut using (u, topic)
left join ap using (author)
where i.ts >= timestamp '2026-10-15'
order by i.id
"""


def test_gradient_boosting_beats_popularity_on_the_sample() -> None:
    con = duckdb.connect()
    for name in ("raw_events", "raw_tweets", "raw_follows"):
        path = ROOT / "seeds" / f"{name}.csv"
        con.execute(f"create table {name} as select * from read_csv('{path}', all_varchar=true)")
    con.execute(IMPRESSIONS)
    data = con.execute(FEATURE_ROWS).fetchnumpy()
    x = np.column_stack([np.asarray(data[k], dtype=float) for k in FEATURES])
    y = np.asarray(data["label"], dtype=int)
    train = np.asarray(data["train"], dtype=bool)
    assert train.sum() > 5000 and (~train).sum() > 5000
    assert 0.05 < y.mean() < 0.6
    with threadpool_limits(1):  # deterministic and quick on a shared 2-core machine
        model = HistGradientBoostingClassifier(max_iter=100, random_state=0)
        model.fit(x[train], y[train])
        scores = model.predict_proba(x[~train])[:, 1]
    model_auc = roc_auc_score(y[~train], scores)
    popularity_auc = roc_auc_score(y[~train], np.asarray(data["pop"], dtype=float)[~train])
    assert model_auc > popularity_auc + 0.1, (model_auc, popularity_auc)
    assert model_auc > 0.7
