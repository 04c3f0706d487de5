-- item-similarity: one row per tweet pair (tweet_a < tweet_b) sharing >= 1 user.
-- Output columns: tweet_a, tweet_b, co_users, similarity
-- Grade it: python -m practice check item-similarity THIS_FILE.sql
with engagements as (
    select * from engagements
),

final as (
    select
        left_side.tweet_id as tweet_a,
        right_side.tweet_id as tweet_b,
        count(*) as co_users,
        1.0 as similarity
    from engagements as left_side
    inner join engagements as right_side
        on left_side.user_id = right_side.user_id
    group by left_side.tweet_id, right_side.tweet_id
)

select * from final
