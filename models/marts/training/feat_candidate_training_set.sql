{#- Training rows drawn the way the model is used: the candidates retrieval
    offered at a training scope's as-of time (int_ml_scopes 'train' and
    'validation'), with the same point-in-time features and retrieval
    features the scored candidates get, labelled by what the user went on to
    engage with before the scope's label_until_at: the ranking evaluation's
    protocol moved back in time. Only users with at least one positive
    candidate are kept: a list with nothing relevant in it has nothing to
    rank (learning-to-rank's usual rule for queries without a relevant item).
    A table, rebuilt in full: its rows change whenever a label window or the
    candidates do, and they are few (users x candidates_per_user per scope). -#}

with

-- The training candidates' requests, with their features and retrieval
-- columns (int_point_in_time_features carries them).
requests as (
    select *
    from {{ ref('int_point_in_time_features') }}
    where request_kind = 'training_candidate'
),

scopes as (
    select
        scope,
        label_until_at
    from {{ ref('int_ml_scopes') }}
    where is_training
),

engagements as (
    select
        user_id,
        tweet_id,
        event_at
    from {{ ref('fct_engagements') }}
    where is_engagement
),

time_windows as (
    select
        validation_start_at,
        test_start_at
    from {{ ref('int_ml_time_windows') }}
),

-- Label: the user engaged with the tweet at or after the as-of time and
-- before the scope's label_until_at.
labels as (
    select
        requests.request_id,
        1 as label  -- noqa: RF04
    from requests
    inner join scopes
        on requests.scope = scopes.scope
    inner join engagements
        on
            requests.user_id = engagements.user_id
            and requests.tweet_id = engagements.tweet_id
            and requests.request_at <= engagements.event_at
            and scopes.label_until_at > engagements.event_at
    group by requests.request_id
),

labelled as (
    select
        requests.*,
        coalesce(labels.label, 0) as label,  -- noqa: RF04
        max(coalesce(labels.label, 0)) over (
            partition by requests.scope, requests.user_id
        ) as user_has_positive
    from requests
    left join labels
        on requests.request_id = labels.request_id
),

final as (
    select
        cast(labelled.request_id as string) as request_id,
        cast(labelled.scope as string) as scope,
        cast(labelled.user_id as bigint) as user_id,
        cast(labelled.tweet_id as bigint) as tweet_id,
        cast(labelled.author_id as bigint) as author_id,
        cast(labelled.request_at as timestamp) as as_of_at,
        cast(labelled.label as integer) as label,  -- noqa: RF04
        cast({{ ml_split('labelled.request_at', 'time_windows') }} as string) as split,
        {{ ml_feature_select_list('labelled') }},
        {{ ml_source_feature_select_list('labelled') }}
    from labelled
    cross join time_windows
    where labelled.user_has_positive = 1
)

select * from final
