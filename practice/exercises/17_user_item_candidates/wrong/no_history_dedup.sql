-- why: a repeated history pair adds its similarities several times
-- expect: the values in 'tweet_id' and 'score' are wrong
-- fails-on: hidden_duplicate_history
with scored as (
    select h.user_id, s.tweet_b as tweet_id, sum(s.similarity) as score
    from interactions as h
    inner join tweet_similarity as s on h.tweet_id = s.tweet_a
    group by all
),

unseen as (
    select * from scored
    where not exists (
        select 1 from interactions as i
        where i.user_id = scored.user_id and i.tweet_id = scored.tweet_id
    )
)

select *, row_number() over (partition by user_id order by score desc, tweet_id)
    as candidate_rank
from unseen
qualify candidate_rank <= 2
