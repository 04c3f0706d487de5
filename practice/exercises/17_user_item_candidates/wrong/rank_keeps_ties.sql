-- why: rank() keeps every tied candidate instead of cutting at 2
-- expect: the values in 'candidate_rank' are wrong
-- fails-on: visible
with history as (
    select distinct user_id, tweet_id from interactions
),

scored as (
    select h.user_id, s.tweet_b as tweet_id, sum(s.similarity) as score
    from history as h
    inner join tweet_similarity as s on h.tweet_id = s.tweet_a
    where not exists (
        select 1 from history as seen
        where seen.user_id = h.user_id and seen.tweet_id = s.tweet_b
    )
    group by all
)

select *, rank() over (partition by user_id order by score desc) as candidate_rank
from scored
qualify candidate_rank <= 2
