-- why: recommends tweets the user already engaged with
-- expect: the values in 'tweet_id' and 'score' are wrong
-- fails-on: visible
with history as (
    select distinct user_id, tweet_id from interactions
),

scored as (
    select h.user_id, s.tweet_b as tweet_id, sum(s.similarity) as score
    from history as h
    inner join tweet_similarity as s on h.tweet_id = s.tweet_a
    group by all
)

select *, row_number() over (partition by user_id order by score desc, tweet_id)
    as candidate_rank
from scored
qualify candidate_rank <= 2
