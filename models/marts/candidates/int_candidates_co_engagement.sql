{{ config(schema='intermediate') }}

{#- Source 'co_engagement': what a user's nearest neighbours engaged with
    lately. Two users are neighbours by the cosine of their engaged-tweet
    sets before the as-of time (|common| / sqrt(|a| * |b|), binary, at least
    min_cooccurrence tweets in common); each user keeps their neighbours_k
    closest. Tweets engaged by more than co_engagement_max_users_per_tweet
    users are skipped when pairing (a viral tweet says little about taste and
    its pairs grow with the square of its audience); they still count in
    |a| and |b|. A candidate is a fresh tweet a neighbour engaged with; its
    score is the sum over those neighbours of cosine * the neighbour's
    decayed affinity to it (fresh tweets are younger than the lookback, so
    the affinity is a plain double here). -#}

with

history as (
    select
        scope,
        user_id,
        tweet_id,
        log2_affinity
    from {{ ref('int_candidate_user_history') }}
),

user_sizes as (
    select
        scope,
        user_id,
        count(*) as n_tweets
    from history
    group by scope, user_id
),

pairable as (
    select
        scope,
        user_id,
        tweet_id
    from (
        select
            scope,
            user_id,
            tweet_id,
            count(*) over (partition by scope, tweet_id) as n_users
        from history
    ) as counted
    where n_users <= {{ var('co_engagement_max_users_per_tweet') }}
),

common as (
    select
        left_side.scope,
        left_side.user_id,
        right_side.user_id as neighbour_id,
        count(*) as n_common
    from pairable as left_side
    inner join pairable as right_side
        on
            left_side.scope = right_side.scope
            and left_side.tweet_id = right_side.tweet_id
            and left_side.user_id <> right_side.user_id
    group by left_side.scope, left_side.user_id, right_side.user_id
    having count(*) >= {{ var('min_cooccurrence') }}
),

neighbours as (
    select
        scope,
        user_id,
        neighbour_id,
        cosine
    from (
        select
            common.scope,
            common.user_id,
            common.neighbour_id,
            common.n_common / sqrt(cast(own.n_tweets * theirs.n_tweets as double)) as cosine,
            row_number() over (
                partition by common.scope, common.user_id
                order by
                    common.n_common / sqrt(cast(own.n_tweets * theirs.n_tweets as double)) desc,
                    common.neighbour_id asc
            ) as neighbour_rank
        from common
        inner join user_sizes as own
            on
                common.scope = own.scope
                and common.user_id = own.user_id
        inner join user_sizes as theirs
            on
                common.scope = theirs.scope
                and common.neighbour_id = theirs.user_id
    ) as ranked
    where neighbour_rank <= {{ var('neighbours_k') }}
),

fresh as (
    select
        scope,
        tweet_id,
        author_id
    from {{ ref('int_candidate_fresh_tweets') }}
),

final as (
    select
        cast(neighbours.scope as string) as scope,
        cast(neighbours.user_id as bigint) as user_id,
        cast(history.tweet_id as bigint) as tweet_id,
        cast(
            {{ ml_round(
                ml_exact_sum('neighbours.cosine * power(cast(2 as double), history.log2_affinity)'), 12
            ) }} as double
        ) as source_score
    from neighbours
    inner join history
        on
            neighbours.scope = history.scope
            and neighbours.neighbour_id = history.user_id
    inner join fresh
        on
            history.scope = fresh.scope
            and history.tweet_id = fresh.tweet_id
    where fresh.author_id <> neighbours.user_id
    group by neighbours.scope, neighbours.user_id, history.tweet_id
)

select * from final
