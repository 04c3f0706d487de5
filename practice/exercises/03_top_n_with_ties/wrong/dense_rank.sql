-- why: dense_rank() gives 1, 1, 2, 3 after a tie for first, keeping a 4th tweet
-- expect: extra
-- fails-on: hidden_ties_at_top
with like_counts as (
    select tweet_id, count(distinct user_id) as n_likes
    from likes
    group by tweet_id
),

ranked as (
    select
        tweets.topic,
        tweets.tweet_id,
        like_counts.n_likes,
        dense_rank() over (
            partition by tweets.topic order by like_counts.n_likes desc
        ) as like_rank
    from tweets
    inner join like_counts on tweets.tweet_id = like_counts.tweet_id
)

select * from ranked where like_rank <= 3
