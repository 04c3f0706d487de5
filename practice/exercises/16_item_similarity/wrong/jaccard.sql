-- why: computes Jaccard (intersection over union) instead of cosine
-- expect: the values in 'similarity' are wrong
-- fails-on: visible
with interactions as (
    select distinct user_id, tweet_id from engagements where event_type <> 'impression'
),

norms as (
    select tweet_id, count(*) as n_users from interactions group by tweet_id
),

pairs as (
    select a.tweet_id as tweet_a, b.tweet_id as tweet_b, count(*) as co_users
    from interactions as a
    inner join interactions as b on a.user_id = b.user_id and a.tweet_id < b.tweet_id
    group by all
)

select pairs.*, co_users / (na.n_users + nb.n_users - co_users) as similarity
from pairs
inner join norms as na on pairs.tweet_a = na.tweet_id
inner join norms as nb on pairs.tweet_b = nb.tweet_id
