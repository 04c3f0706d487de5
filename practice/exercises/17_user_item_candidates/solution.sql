with interactions as (
    select * from interactions
),

tweet_similarity as (
    select * from tweet_similarity
),

history as (
    select distinct
        user_id,
        tweet_id
    from interactions
),

scored as (
    select
        history.user_id,
        tweet_similarity.tweet_b as tweet_id,
        sum(tweet_similarity.similarity) as score
    from history
    inner join tweet_similarity on history.tweet_id = tweet_similarity.tweet_a
    group by history.user_id, tweet_similarity.tweet_b
),

unseen as (
    select scored.*
    from scored
    left join history
        on
            scored.user_id = history.user_id
            and scored.tweet_id = history.tweet_id
    where history.tweet_id is null
),

ranked as (
    select
        *,
        row_number() over (
            partition by user_id order by score desc, tweet_id asc
        ) as candidate_rank
    from unseen
),

final as (
    select * from ranked
    where candidate_rank <= 2
)

select * from final
