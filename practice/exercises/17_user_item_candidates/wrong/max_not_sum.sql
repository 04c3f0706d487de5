-- why: scores a candidate by its best single neighbour instead of the sum
-- expect: the values in 'score' are wrong
-- fails-on: visible
with history as (
    select distinct user_id, tweet_id from interactions
),

scored as (
    select h.user_id, s.tweet_b as tweet_id, max(s.similarity) as score
    from history as h
    inner join tweet_similarity as s on h.tweet_id = s.tweet_a
    where not exists (
        select 1 from history as seen
        where seen.user_id = h.user_id and seen.tweet_id = s.tweet_b
    )
    group by all
)

select *, row_number() over (partition by user_id order by score desc, tweet_id)
    as candidate_rank
from scored
qualify candidate_rank <= 2
