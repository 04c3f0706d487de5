-- why: uses the day of the month as the sequence, which restarts at each month end
-- expect: the values in 'longest_streak' and 'streak_end' are wrong
-- fails-on: hidden_month_end_and_duplicates
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
            day(activity_day)
            - row_number() over (partition by user_id order by activity_day) as island_key
        from days
    )
    group by user_id, island_key
)

select user_id, streak_days as longest_streak, streak_start, streak_end
from runs
qualify row_number() over (partition by user_id order by streak_days desc, streak_start) = 1
