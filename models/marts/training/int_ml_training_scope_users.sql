{{ config(schema='intermediate') }}

{#- The users a training scope retrieves candidates for: those with a human
    engagement in its label window, the evaluation's rule for which users
    count (ml.evaluate). A user with none has no positive to rank, and their
    candidates would only teach the model who is active, which does not order
    one user's list; leaving them out before retrieval also keeps the
    training scopes' cost to the active users. At most
    training_scope_max_users of them per scope, a uniform sample drawn by a
    seeded hash of the user id (the same users on every build of the same
    data), so a big log does not multiply the training scopes' cost. -#}

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

active as (
    select distinct
        scopes.scope,
        engagements.user_id
    from engagements
    inner join scopes
        on
            engagements.event_at >= scopes.as_of_at
            and engagements.event_at < scopes.label_until_at
),

drawn as (
    select
        scope,
        user_id,
        row_number() over (
            partition by scope
            order by
                {{ ml_hash_mod(
                    "cast(" ~ var('training_scope_seed') ~ " as varchar) || ':'"
                    ~ " || cast(user_id as varchar)",
                    '1000000007',
                ) }},
                user_id
        ) as draw_rank
    from active
),

final as (
    select
        cast(scope as varchar) as scope,
        cast(user_id as bigint) as user_id
    from drawn
    where draw_rank <= {{ var('training_scope_max_users') }}
)

select * from final
