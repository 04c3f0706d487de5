-- why: count(*) counts redelivered likes twice
-- expect: missing
-- fails-on: hidden_duplicates_and_nulls
with like_counts as (
    select tweet_id, count(*) as n_likes
    from likes
    group by tweet_id
),

ranked as (
    select
        tweets.topic,
        tweets.tweet_id,
        like_counts.n_likes,
        rank() over (
            partition by tweets.topic order by like_counts.n_likes desc
        ) as like_rank
    from tweets
    inner join like_counts on tweets.tweet_id = like_counts.tweet_id
)

select * from ranked where like_rank <= 3
