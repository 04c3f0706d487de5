-- why: breaks a tie between equally long runs towards the latest one
-- expect: the values in 'streak_start' and 'streak_end' are wrong
-- fails-on: hidden_tied_runs
with days as (
    select distinct user_id, cast(login_ts as date) as activity_day from logins
),

runs as (
    select
        user_id,
        min(activity_day) as streak_start,
        max(activity_day) as streak_end,
        count(*) as streak_days
    from (
        select
            *,
            activity_day - cast(
                row_number() over (partition by user_id order by activity_day) as integer
            ) as island_key
        from days
    )
    group by user_id, island_key
)

select user_id, streak_days as longest_streak, streak_start, streak_end
from runs
qualify row_number() over (
    partition by user_id order by streak_days desc, streak_start desc
) = 1
