{{ config(schema='intermediate') }}

{#-
    c_ij, the users whose capped histories hold both tweets, comes from the
    self-join of each user's history: one row per (user, i < j), at most
    history_cap^2 / 2 rows per user whatever a tweet's popularity, grouped by
    (i, j). That grouping is the model's whole cost, so every tweet and user
    gets a dense integer index (ml_running_sum: no global window), and
    the pair is grouped on ONE bigint key (i_index * 2^31 + j_index) instead
    of (scope varchar, tweet_id, neighbour_tweet_id). Tweets with fewer than
    min_cooccurrence users and users with fewer than two such tweets cannot
    be in a qualifying pair and are left out first.
-#}
{%- set min_co = var('min_cooccurrence') %}
{%- set index_base = 2147483648 %}

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

-- Tweets that can be in a qualifying pair (c_ij <= n_i), indexed in
-- (scope, bucket, tweet_id) order: any order serves, since both directions
-- of a pair are kept; buckets let an engine number them in parallel.
kept_tweets as (
    select
        scope,
        tweet_id,
        n_users,
        {{ ml_id_bucket('tweet_id') }} as tweet_bucket
    from tweet_users
    where n_users >= {{ min_co }}
),

indexed_tweets as (
    select
        scope,
        tweet_id,
        n_users,
        tweet_index
    from {{ ml_running_sum(
        'kept_tweets', ['scope', 'tweet_id', 'n_users'], ['scope', 'tweet_bucket'],
        'tweet_id', '1', 'tweet_index',
    ) }} as numbered
),

kept_history as (
    select
        history.scope,
        history.user_id,
        indexed_tweets.tweet_index
    from history
    inner join indexed_tweets
        on
            history.scope = indexed_tweets.scope
            and history.tweet_id = indexed_tweets.tweet_id
),

-- Users with at least two kept tweets (a qualifying pair needs both tweets in
-- each of its users' histories), indexed likewise.
kept_users as (
    select
        scope,
        user_id,
        {{ ml_id_bucket('user_id') }} as user_bucket
    from kept_history
    group by scope, user_id
    having count(*) >= 2
),

indexed_users as (
    select
        scope,
        user_id,
        user_index
    from {{ ml_running_sum(
        'kept_users', ['scope', 'user_id'], ['scope', 'user_bucket'], 'user_id', '1', 'user_index',
    ) }} as numbered
),

user_tweets as (
    select
        indexed_users.user_index,
        kept_history.tweet_index
    from kept_history
    inner join indexed_users
        on
            kept_history.scope = indexed_users.scope
            and kept_history.user_id = indexed_users.user_id
),

-- The self-join: every pair of kept tweets in one user's history (i < j,
-- half the work; the mirror is added after the threshold).
co_occurrence as (
    select
        left_history.tweet_index * {{ index_base }} + right_history.tweet_index as pair_key,
        count(*) as co_users
    from user_tweets as left_history
    inner join user_tweets as right_history
        on
            left_history.user_index = right_history.user_index
            and left_history.tweet_index < right_history.tweet_index
    group by left_history.tweet_index * {{ index_base }} + right_history.tweet_index
),

thresholded as (
    select
        {{ sim_integer_divide('pair_key', index_base) }} as tweet_index,
        pair_key % {{ index_base }} as neighbour_tweet_index,
        co_users
    from co_occurrence
    where co_users >= {{ min_co }}
),

resolved as (
    select
        tweet_counts.scope,
        tweet_counts.tweet_id,
        neighbour_counts.tweet_id as neighbour_tweet_id,
        tweet_counts.n_users as n_tweet,
        neighbour_counts.n_users as n_neighbour,
        thresholded.co_users
    from thresholded
    inner join indexed_tweets as tweet_counts
        on thresholded.tweet_index = tweet_counts.tweet_index
    inner join indexed_tweets as neighbour_counts
        on thresholded.neighbour_tweet_index = neighbour_counts.tweet_index
),

both_directions as (
    select
        scope,
        tweet_id,
        neighbour_tweet_id,
        n_tweet,
        n_neighbour,
        co_users
    from resolved
    union all
    select
        scope,
        neighbour_tweet_id as tweet_id,
        tweet_id as neighbour_tweet_id,
        n_neighbour as n_tweet,
        n_tweet as n_neighbour,
        co_users
    from resolved
),

scored as (
    select
        scope,
        tweet_id,
        neighbour_tweet_id,
        n_tweet,
        n_neighbour,
        co_users,
        cast(co_users as double)
        / sqrt(cast(n_tweet as double) * cast(n_neighbour as double))
            as cosine,
        cast(co_users as double)
        / cast(n_tweet + n_neighbour - co_users as double)
            as jaccard
    from both_directions
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
