with logins as (
    select * from logins
),

active_days as (
    select distinct
        user_id,
        cast(login_ts as date) as activity_day
    from logins
),

islands as (
    select
        user_id,
        activity_day,
        activity_day - cast(
            row_number() over (partition by user_id order by activity_day) as integer
        ) as island_key
    from active_days
),

runs as (
    select
        user_id,
        island_key,
        min(activity_day) as streak_start,
        max(activity_day) as streak_end,
        count(*) as streak_days
    from islands
    group by user_id, island_key
),

ranked as (
    select
        *,
        row_number() over (
            partition by user_id order by streak_days desc, streak_start asc
        ) as run_rank
    from runs
),

final as (
    select
        user_id,
        streak_days as longest_streak,
        streak_start,
        streak_end
    from ranked
    where run_rank = 1
)

select * from final
