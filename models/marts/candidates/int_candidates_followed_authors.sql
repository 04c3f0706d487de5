{{ config(schema='intermediate') }}

{#- Source 'followed_authors': fresh tweets by the authors a user follows or
    has engaged with. An author's strength for a user is 1 for a follow edge
    made before the as-of time plus the user's decayed affinity to the
    author's tweets (int_candidate_user_history, summed in log2 space); a
    candidate's score is strength * the tweet's trend score, kept as log2 so
    an old affinity never underflows to 0. The user's own tweets are left out. -#}

with

scopes as (
    select
        scope,
        as_of_at
    from {{ ref('int_ml_scopes') }}
),

follows as (
    select
        follower_id,
        followee_id,
        followed_at
    from {{ ref('stg_social__follows') }}
),

history as (
    select
        scope,
        user_id,
        author_id,
        log2_affinity,
        max(log2_affinity) over (partition by scope, user_id, author_id) as log2_anchor
    from {{ ref('int_candidate_user_history') }}
    where author_id is not null
),

engaged_authors as (
    select
        scope,
        user_id,
        author_id,
        {{ ml_log2_sum_exp2('log2_affinity', 'log2_anchor') }} as log2_affinity
    from history
    group by scope, user_id, author_id
),

followed_authors as (
    select distinct
        scopes.scope,
        follows.follower_id as user_id,
        follows.followee_id as author_id
    from follows
    inner join scopes
        on follows.followed_at < scopes.as_of_at
),

authors as (
    select
        coalesce(followed_authors.scope, engaged_authors.scope) as scope,
        coalesce(followed_authors.user_id, engaged_authors.user_id) as user_id,
        coalesce(followed_authors.author_id, engaged_authors.author_id) as author_id,
        case
            -- log2(1 + affinity), in log2 space: exact when the affinity is tiny.
            when followed_authors.user_id is not null and engaged_authors.user_id is not null
                then
                    greatest(engaged_authors.log2_affinity, 0)
                    + log2(1 + power(cast(2 as double), -abs(engaged_authors.log2_affinity)))
            when followed_authors.user_id is not null then cast(0 as double)
            else engaged_authors.log2_affinity
        end as log2_strength
    from followed_authors
    full outer join engaged_authors
        on
            followed_authors.scope = engaged_authors.scope
            and followed_authors.user_id = engaged_authors.user_id
            and followed_authors.author_id = engaged_authors.author_id
),

fresh as (
    select
        scope,
        tweet_id,
        author_id,
        trend_score
    from {{ ref('int_candidate_fresh_tweets') }}
),

final as (
    select
        cast(authors.scope as string) as scope,
        cast(authors.user_id as bigint) as user_id,
        cast(fresh.tweet_id as bigint) as tweet_id,
        cast({{ ml_round('authors.log2_strength + log2(fresh.trend_score)', 9) }} as double) as source_score
    from authors
    inner join fresh
        on
            authors.scope = fresh.scope
            and authors.author_id = fresh.author_id
    where authors.user_id <> fresh.author_id
)

select * from final
