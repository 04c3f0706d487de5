{{ config(schema='intermediate') }}

{#- Negative sampling (vars negative_sampling*, negatives_per_positive):
    on an implicit-feedback log (engagements only) the training requests are
    each user's first engagement with a tweet (request_kind 'engagement',
    request_at = its time, later labelled 1) and, per positive, up to
    negatives_per_positive sampled negatives ('sampled_negative', same
    request_at, later labelled 0). A negative is a tweet live at T (created
    strictly before T, not deleted at or before T), not the positive's tweet,
    that the user had not engaged with up to T + the label horizon (so its
    label really is 0 under the impression rule), drawn UNIFORMLY: tweets are
    numbered by creation order, the ones created before T are a prefix 1..n(T),
    and draw j picks index 1 + hash(seed, positive id, j) mod n(T): O(positives
    x draws), no cross join with the catalogue. 2 x negatives_per_positive
    draws are made and the first negatives_per_positive that pass are kept, so
    a rejected draw (deleted, engaged, the positive's tweet, a repeat) rarely
    leaves a positive short. Uniform rather than popularity-weighted: exact and
    cheap with an index, and it needs no point-in-time popularity of its own;
    the model then learns popularity from the point-in-time tweet counts
    (features) as it does from impressions, and the ranking evaluation
    compares it with the popularity baseline. Sampled requests carry
    position 0, like scoring candidates (their slot is unknown). -#}
{%- set attempts = 2 * (var('negatives_per_positive') | int(4)) %}

with

impressions as (
    select
        event_id,
        user_id,
        tweet_id,
        author_id,
        event_at,
        position
    from {{ ref('fct_engagements') }}
    where
        event_type = 'impression'
        and not is_bot_user
),

time_windows as (
    select
        label_cutoff_at,
        label_horizon_hours
    from {{ ref('int_ml_time_windows') }}
),

-- Clean events, each with its user's bot status at its time: the human ones
-- give the positives and the impression share that decides negative_sampling
-- = auto; all of them tell whether a sampled tweet was engaged with (the
-- label in feat_training_set counts a user's engagements after they turned bot
-- too, so a negative must not be one of those).
clean_events as (
    select
        event_id,
        user_id,
        tweet_id,
        author_id,
        event_type,
        is_engagement,
        is_bot_user,
        event_at
    from {{ ref('fct_engagements') }}
),

-- One row: whether negative sampling is on (an aggregate in every case).
sampling as (
    select
        {{ ml_negative_sampling_on() }} as is_on
    from clean_events
    where not is_bot_user
),

-- Each candidate with its retrieval columns (ml_request_retrieval_columns).
candidates as (
    select * from {{ ref('fct_candidates') }}
),

scopes as (
    select
        scope,
        as_of_at,
        is_training
    from {{ ref('int_ml_scopes') }}
),

tweets as (
    select
        tweet_id,
        author_id
    from {{ ref('dim_tweets') }}
),

-- Tweets numbered in creation order (ml_running_sum, day by day: no global window).
catalogue_tweets as (
    select
        tweet_id,
        author_id,
        created_at,
        deleted_at,
        cast(created_at as date) as created_day
    from {{ ref('dim_tweets') }}
),

catalogue as (
    select
        tweet_id,
        author_id,
        created_at,
        deleted_at,
        tweet_index
    from {{ ml_running_sum(
        'catalogue_tweets', ['tweet_id', 'author_id', 'created_at', 'deleted_at'], ['created_day'],
        'created_at, tweet_id', '1', 'tweet_index',
    ) }} as numbered
),

-- Training requests: every non-bot impression whose label horizon ends
-- within the data (later ones would get a falsely negative label).
impression_requests as (
    select
        impressions.event_id as request_id,
        'impression' as request_kind,
        cast(null as string) as scope,
        impressions.user_id,
        impressions.tweet_id,
        impressions.author_id,
        impressions.event_at as request_at,
        impressions.position,
        {{ ml_request_retrieval_select_list() }}
    from impressions
    cross join time_windows
    cross join sampling
    where
        impressions.event_at <= time_windows.label_cutoff_at
        and not sampling.is_on
),

-- Each user's first engagement with each tweet (any time, bot or not: it
-- also tells whether a sampled tweet was engaged with by T + horizon). Empty,
-- and no sort, when sampling is off (an impression log).
first_engagements as (
    select
        event_id,
        user_id,
        tweet_id,
        author_id,
        is_bot_user,
        event_at
    from (
        select
            clean_events.event_id,
            clean_events.user_id,
            clean_events.tweet_id,
            clean_events.author_id,
            clean_events.is_bot_user,
            clean_events.event_at,
            row_number() over (
                partition by clean_events.user_id, clean_events.tweet_id
                order by clean_events.event_at, clean_events.event_id
            ) as engagement_number
        from clean_events
        cross join sampling
        where clean_events.is_engagement and sampling.is_on
    ) as numbered
    where engagement_number = 1
),

-- A first engagement by a human (at its time) is a positive.
positives as (
    select
        first_engagements.event_id,
        first_engagements.user_id,
        first_engagements.tweet_id,
        first_engagements.author_id,
        first_engagements.event_at
    from first_engagements
    cross join time_windows
    cross join sampling
    where
        sampling.is_on
        and not first_engagements.is_bot_user
        and first_engagements.event_at <= time_windows.label_cutoff_at
),

-- Tweets created strictly before each positive's time: one time line of
-- creations and positives, a positive sorted before the creations of its
-- own instant, so the running count at a positive is n(T).
creation_time_line as (
    select
        created_at as line_at,
        cast(created_at as date) as line_day,
        0 as is_positive,
        1 as n_created,
        cast(null as string) as event_id
    from catalogue
    union all
    select
        event_at as line_at,
        cast(event_at as date) as line_day,
        1 as is_positive,
        0 as n_created,
        event_id
    from positives
),

live_counts as (
    select
        event_id,
        created_before
    from {{ ml_running_sum(
        'creation_time_line', ['event_id'], ['line_day'], 'line_at asc, is_positive desc',
        'n_created', 'created_before',
    ) }} as counted
    where event_id is not null
),

attempts as (
    {%- for j in range(1, attempts + 1) %}
        select {{ j }} as draw_number{{ " union all" if not loop.last }}
    {%- endfor %}
),

draws as (
    select
        positives.event_id,
        positives.user_id,
        positives.tweet_id as positive_tweet_id,
        positives.event_at,
        attempts.draw_number,
        1 + {{ ml_hash_mod(
            "cast(" ~ var('negative_sampling_seed') ~ " as string) || ':' || positives.event_id"
            ~ " || ':' || cast(attempts.draw_number as string)",
            'live_counts.created_before',
        ) }} as tweet_index
    from positives
    inner join live_counts
        on positives.event_id = live_counts.event_id
    cross join attempts
    where live_counts.created_before > 0
),

accepted_draws as (
    select
        draws.event_id,
        draws.user_id,
        draws.event_at,
        draws.draw_number,
        catalogue.tweet_id,
        catalogue.author_id,
        row_number() over (
            partition by draws.event_id, catalogue.tweet_id order by draws.draw_number
        ) as repeat_number
    from draws
    inner join catalogue
        on draws.tweet_index = catalogue.tweet_index
    cross join time_windows
    left join first_engagements
        on
            draws.user_id = first_engagements.user_id
            and catalogue.tweet_id = first_engagements.tweet_id
    where
        catalogue.tweet_id <> draws.positive_tweet_id
        and (catalogue.deleted_at is null or catalogue.deleted_at > draws.event_at)
        and (
            first_engagements.event_at is null
            or first_engagements.event_at
            > {{ ml_dateadd('hour', 'time_windows.label_horizon_hours', 'draws.event_at') }}
        )
),

negatives as (
    select
        event_id,
        user_id,
        tweet_id,
        author_id,
        event_at,
        draw_number
    from (
        select
            *,
            row_number() over (partition by event_id order by draw_number) as negative_number
        from accepted_draws
        where repeat_number = 1
    ) as numbered
    where negative_number <= {{ var('negatives_per_positive') }}
),

positive_requests as (
    select
        event_id as request_id,
        'engagement' as request_kind,
        cast(null as string) as scope,
        user_id,
        tweet_id,
        author_id,
        event_at as request_at,
        0 as position,
        {{ ml_request_retrieval_select_list() }}
    from positives
),

negative_requests as (
    select
        'neg:' || event_id || ':' || cast(draw_number as string) as request_id,
        'sampled_negative' as request_kind,
        cast(null as string) as scope,
        user_id,
        tweet_id,
        author_id,
        event_at as request_at,
        0 as position,
        {{ ml_request_retrieval_select_list() }}
    from negatives
),

-- Candidates at their scope's as-of time: scored ('candidate') in the scored
-- scopes, trained on ('training_candidate') in the training scopes (whose
-- candidates are their active users', int_ml_scope_users). The slot
-- a candidate will be shown in is unknown, so it is scored as if shown first
-- (position 0), the usual way to take position bias out of a ranking score.
-- Each carries its retrieval columns down the point-in-time chain.
candidate_requests as (
    select
        candidates.scope
        || ':' || cast(candidates.user_id as string)
        || ':' || cast(candidates.tweet_id as string) as request_id,
        case when scopes.is_training then 'training_candidate' else 'candidate' end as request_kind,
        candidates.scope,
        candidates.user_id,
        candidates.tweet_id,
        tweets.author_id,
        scopes.as_of_at as request_at,
        0 as position,
        {{ ml_request_retrieval_select_list('candidates') }}
    from candidates
    inner join scopes
        on candidates.scope = scopes.scope
    inner join tweets
        on candidates.tweet_id = tweets.tweet_id
),

unioned as (
    select * from impression_requests
    union all
    select * from positive_requests
    union all
    select * from negative_requests
    union all
    select * from candidate_requests
),

final as (
    select
        cast(request_id as string) as request_id,
        cast(request_kind as string) as request_kind,
        cast(scope as string) as scope,
        cast(user_id as bigint) as user_id,
        cast(tweet_id as bigint) as tweet_id,
        cast(author_id as bigint) as author_id,
        cast(request_at as timestamp) as request_at,
        cast(position as integer) as position,
        {{ ml_request_retrieval_select_list('unioned') }}
    from unioned
)

select * from final
