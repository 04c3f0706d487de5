{{ config(schema='intermediate') }}

with

history as (
    select
        scope,
        user_id,
        tweet_id
    from {{ ref('int_sim_user_tweet_history') }}
),

tweet_users as (
    select
        scope,
        tweet_id,
        count(*) as n_users
    from history
    group by scope, tweet_id
),

-- The self-join: every pair of tweets in one user's capped history. Only
-- i < j is joined (half the work); the mirror is added after the threshold.
co_occurrence as (
    select
        left_history.scope,
        left_history.tweet_id,
        right_history.tweet_id as neighbour_tweet_id,
        count(*) as co_users
    from history as left_history
    inner join history as right_history
        on
            left_history.scope = right_history.scope
            and left_history.user_id = right_history.user_id
            and left_history.tweet_id < right_history.tweet_id
    group by left_history.scope, left_history.tweet_id, right_history.tweet_id
),

thresholded as (
    select
        scope,
        tweet_id,
        neighbour_tweet_id,
        co_users
    from co_occurrence
    where co_users >= {{ var('min_cooccurrence') }}
),

both_directions as (
    select
        scope,
        tweet_id,
        neighbour_tweet_id,
        co_users
    from thresholded
    union all
    select
        scope,
        neighbour_tweet_id as tweet_id,
        tweet_id as neighbour_tweet_id,
        co_users
    from thresholded
),

scored as (
    select
        both_directions.scope,
        both_directions.tweet_id,
        both_directions.neighbour_tweet_id,
        tweet_counts.n_users as n_tweet,
        neighbour_counts.n_users as n_neighbour,
        both_directions.co_users,
        cast(both_directions.co_users as double)
        / sqrt(cast(tweet_counts.n_users as double) * cast(neighbour_counts.n_users as double))
            as cosine,
        cast(both_directions.co_users as double)
        / cast(tweet_counts.n_users + neighbour_counts.n_users - both_directions.co_users as double)
            as jaccard
    from both_directions
    inner join tweet_users as tweet_counts
        on
            both_directions.scope = tweet_counts.scope
            and both_directions.tweet_id = tweet_counts.tweet_id
    inner join tweet_users as neighbour_counts
        on
            both_directions.scope = neighbour_counts.scope
            and both_directions.neighbour_tweet_id = neighbour_counts.tweet_id
),

final as (
    select
        scope,
        cast(tweet_id as bigint) as tweet_id,
        cast(neighbour_tweet_id as bigint) as neighbour_tweet_id,
        cast(n_tweet as bigint) as n_tweet,
        cast(n_neighbour as bigint) as n_neighbour,
        cast(co_users as bigint) as co_users,
        cosine,
        jaccard
    from scored
)

select * from final
