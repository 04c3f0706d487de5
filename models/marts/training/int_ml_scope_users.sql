{{ config(schema='intermediate') }}

{#- The users a scope that does not cover every user (int_ml_scopes:
    every scope but 'serving') retrieves candidates for: those who engage in
    its label window, from as_of_at to label_until_at (the backtest's runs to
    the end of the data). These are the only users who count. A training row
    needs a positive to rank; a user with none would only teach the model who
    is active, which does not order one user's list. The evaluation (ml.evaluate)
    counts only users with an engagement after the backtest's cut-off, so a
    backtest list for anyone else is never read. Leaving them out before
    retrieval keeps these scopes' cost to the active users.
    - Training scopes count human engagements (not a bot at the time), and
      keep at most training_scope_max_users users: a uniform sample drawn by
      a seeded hash of the user id (the same users on every build of the same
      data), so a big log does not multiply their cost.
    - The backtest keeps every engaged user, bot or not: the evaluation can
      count bots' engagements (exclude_bot_users = false), and its lists must
      not change with who is sampled. -#}

with

scopes as (
    select
        scope,
        as_of_at,
        label_until_at,
        is_training
    from {{ ref('int_ml_scopes') }}
    where not covers_every_user
),

engagements as (
    select
        user_id,
        is_bot_user,
        event_at
    from {{ ref('fct_engagements') }}
    where is_engagement
),

active as (
    select distinct
        scopes.scope,
        scopes.is_training,
        engagements.user_id
    from engagements
    inner join scopes
        on
            engagements.event_at >= scopes.as_of_at
            and (scopes.label_until_at is null or engagements.event_at < scopes.label_until_at)
    where not (scopes.is_training and engagements.is_bot_user)
),

drawn as (
    select
        scope,
        is_training,
        user_id,
        row_number() over (
            partition by scope
            order by
                {{ ml_hash_mod(
                    "cast(" ~ var('training_scope_seed') ~ " as string) || ':'"
                    ~ " || cast(user_id as string)",
                    '1000000007',
                ) }},
                user_id
        ) as draw_rank
    from active
),

final as (
    select
        cast(scope as string) as scope,
        cast(user_id as bigint) as user_id
    from drawn
    where not is_training or draw_rank <= {{ var('training_scope_max_users') }}
)

select * from final
