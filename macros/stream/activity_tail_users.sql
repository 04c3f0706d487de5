{#-
    int_user_activity_daily caps each run's tail of quiet days at the last day
    of (human) data. When a batch moves that day, the users whose rows reach
    the old or the new last day get a longer or shorter tail, whether or not
    they have new events: they are claimed too (SQL, one column key_id).
    `changed` is the parents' changed users (SQL, one column key_id); this
    runs in the pre-hook, before their rows are deleted.
-#}
{% macro activity_tail_users(changed) -%}
    (
        with

        changed as (
            select named.key_id as user_id from {{ changed }} as named
        ),

        old_range as (
            select max(kept.activity_date) as last_day from {{ this }} as kept
        ),

        -- The new last day: the unchanged users' last active day, or the
        -- changed users' last human event day, whichever is later.
        new_range as (
            select max(candidates.last_day) as last_day
            from (
                select max(kept.activity_date) as last_day
                from {{ this }} as kept
                where kept.event_count > 0 and kept.user_id not in (select changed.user_id from changed)
                union all
                select max(cast(events.event_at as date)) as last_day
                from {{ ref('stg_social__events') }} as events
                inner join {{ ref('int_users_bot_flagged') }} as bot_flags
                    on events.user_id = bot_flags.user_id
                where
                    events.user_id in (select changed.user_id from changed)
                    and not {{ ml_bot_at('events.event_at', 'bot_flags.bot_since_at') }}
            ) as candidates
        )

        select distinct kept.user_id as key_id
        from {{ this }} as kept
        cross join old_range
        cross join new_range
        where
            old_range.last_day is distinct from new_range.last_day
            and kept.activity_date >= least(old_range.last_day, new_range.last_day)
    )
{%- endmacro %}
