with engagements as (
    select * from engagements
),

interactions as (
    select distinct
        user_id,
        tweet_id
    from engagements
    where event_type <> 'impression'
),

tweet_users as (
    select
        tweet_id,
        count(*) as n_users
    from interactions
    group by tweet_id
),

co_occurrence as (
    select
        left_side.tweet_id as tweet_a,
        right_side.tweet_id as tweet_b,
        count(*) as co_users
    from interactions as left_side
    inner join interactions as right_side
        on
            left_side.user_id = right_side.user_id
            and left_side.tweet_id < right_side.tweet_id
    group by left_side.tweet_id, right_side.tweet_id
),

final as (
    select
        co_occurrence.tweet_a,
        co_occurrence.tweet_b,
        co_occurrence.co_users,
        co_occurrence.co_users
        / sqrt(users_a.n_users * users_b.n_users) as similarity
    from co_occurrence
    inner join tweet_users as users_a on co_occurrence.tweet_a = users_a.tweet_id
    inner join tweet_users as users_b on co_occurrence.tweet_b = users_b.tweet_id
)

select * from final
