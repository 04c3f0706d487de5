{{ config(schema='intermediate') }}

{#- The users a training scope retrieves candidates for: those with a human
    engagement in its label window, the evaluation's rule for which users
    count (ml.evaluate). A user with none has no positive to rank, and their
    candidates would only teach the model who is active, which does not order
    one user's list; leaving them out before retrieval also keeps the
    training scopes' cost to the active users. -#}

with

scopes as (
    select
        scope,
        as_of_at,
        label_until_at
    from {{ ref('int_ml_scopes') }}
    where is_training
),

engagements as (
    select
        user_id,
        event_at
    from {{ ref('fct_engagements') }}
    where
        is_engagement
        and not is_bot_user
),

final as (
    select distinct
        cast(scopes.scope as varchar) as scope,
        cast(engagements.user_id as bigint) as user_id
    from engagements
    inner join scopes
        on
            engagements.event_at >= scopes.as_of_at
            and engagements.event_at < scopes.label_until_at
)

select * from final
