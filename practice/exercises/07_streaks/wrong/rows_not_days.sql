-- why: numbers logins instead of distinct days, so a second login on a day breaks the run
-- expect: missing
-- fails-on: visible
with islands as (
    select
        user_id,
        cast(login_ts as date) as activity_day,
        cast(login_ts as date) - cast(
            row_number() over (partition by user_id order by login_ts) as integer
        ) as island_key
    from logins
),

runs as (
    select
        user_id,
        min(activity_day) as streak_start,
        max(activity_day) as streak_end,
        count(distinct activity_day) as streak_days
    from islands
    group by user_id, island_key
)

select user_id, streak_days as longest_streak, streak_start, streak_end
from runs
qualify row_number() over (partition by user_id order by streak_days desc, streak_start) = 1
