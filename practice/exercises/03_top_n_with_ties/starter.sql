-- top-n-ties: one row per (topic, tweet) in the topic's top 3, ties included.
-- Output columns: topic, tweet_id, n_likes, like_rank
-- Grade it: python -m practice check top-n-ties THIS_FILE.sql
with tweets as (
    select * from tweets
),

likes as (
    select * from likes
),

final as (
    select
        tweets.topic,
        tweets.tweet_id,
        count(*) as n_likes,
        1 as like_rank
    from tweets
    inner join likes on tweets.tweet_id = likes.tweet_id
    group by tweets.topic, tweets.tweet_id
)

select * from final
