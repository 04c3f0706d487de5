{#- The list an unknown user gets online: the cold-start source's ranking at
    the serving as-of time (tweets fresh at T by trend score, ties by the
    smaller tweet id), as long as a user's candidate list
    (candidates_per_user). Known users get their scored recommendations,
    cold-start candidates included; a user the snapshot does not know has no
    features to score, so the source's own order is the best guess. -#}

with

fresh_tweets as (
    select
        tweet_id,
        trend_score
    from {{ ref('int_candidate_fresh_tweets') }}
    where scope = 'serving'
),

ranked as (
    select
        tweet_id,
        trend_score,
        row_number() over (order by trend_score desc, tweet_id asc) as trend_rank
    from fresh_tweets
),

final as (
    select
        cast(trend_rank as integer) as trend_rank,
        cast(tweet_id as bigint) as tweet_id,
        cast(trend_score as double) as trend_score
    from ranked
    where trend_rank <= {{ var('candidates_per_user') | int }}
)

select * from final
