-- streaks: one row per user, their longest run of consecutive active days.
-- Output columns: user_id, longest_streak, streak_start, streak_end
-- Grade it: python -m practice check streaks THIS_FILE.sql
with logins as (
    select * from logins
),

final as (
    select
        user_id,
        count(distinct cast(login_ts as date)) as longest_streak,
        min(cast(login_ts as date)) as streak_start,
        max(cast(login_ts as date)) as streak_end
    from logins
    group by user_id
)

select * from final
