{#-
    Bots relative to the population, by rate AND rhythm (vars bot_* in
    dbt_project.yml). A user is a bot when
      - they have at least bot_min_events events (a 5-event user never is),
      - their rate is an extreme outlier of the population: the robust z-score
        (x - median) / (1.4826 * MAD) of ln(events per active day) or of
        ln(max events in a clock hour), over every user with events, is at
        least bot_min_rate_robust_z, and
      - their rhythm is machine-like: round the clock (the quietest
        bot_quiet_window_hours consecutive hours of day, circularly, hold at
        least bot_min_quiet_window_share of their events: people sleep, so
        theirs hold a few percent; a uniform script holds window / 24) or
        metronomic (coefficient of variation of the gaps between consecutive
        events at most bot_max_gap_cv: people are bursty, CV well above 1;
        Poisson traffic has 1, a timer near 0).
    Also, without the rate test, when they have at least bot_min_events
    events round the clock within at most bot_rhythm_alone_max_active_days
    days: no person stays active through the night of a day or two, whereas
    over a long history a shifting human schedule can look round the clock,
    so there the rate must stand out too. On a log of a day or two every
    user's rate is a count with a wide spread, so a bot's rate rarely does.
    Or, optionally, when their busiest clock hour holds more than
    bot_cap_events_per_hour events (an absolute cap, off when null).

    Point in time: the rule is evaluated at the end of every hour a user is
    active, on their events up to then, against the population as of then
    (int_user_bot_evidence_hourly). A user is a bot from bot_since_at, the end
    of the first hour that flags them, onwards (sticky: caught once, kept);
    their events before it are human. So a status as of t never uses an event
    after t, and fct_engagements marks each event by its user's status at its
    own time. This model is the status at the end of the data: the statistics
    over the whole history (the user's last evidence hour) and when and why
    they were first flagged.
-#}
{#- Tagged stream: a batch can move any user's flag, so each stream run
    rebuilds the flags, and the post-hook logs whose flag moved for the
    incremental models downstream (macros/stream/change_sources.sql). -#}
{{ config(tags=['stream'], post_hook="{{ stream_log_bot_flag_changes() }}") }}

with

users as (
    select user_id from {{ ref('stg_social__users') }}
),

evidence as (
    select * from {{ ref('int_user_bot_evidence_hourly') }}
),

-- The whole history: each user's last evidence hour.
latest as (
    select *
    from (
        select
            *,
            row_number() over (partition by user_id order by hour_start desc) as recency
        from evidence
    ) as ranked
    where recency = 1
),

-- The first hour that flagged the user, and why.
first_flag as (
    select
        user_id,
        evidence_at as bot_since_at,
        bot_reason
    from (
        select
            user_id,
            evidence_at,
            bot_reason,
            row_number() over (partition by user_id order by hour_start) as flag_number
        from evidence
        where bot_reason is not null
    ) as flags
    where flag_number = 1
),

final as (
    select
        users.user_id,
        coalesce(latest.event_count, 0) as event_count,
        coalesce(latest.active_days, 0) as active_days,
        coalesce(latest.events_per_active_day, 0) as events_per_active_day,
        coalesce(latest.max_events_per_hour, 0) as max_events_per_hour,
        latest.daily_rate_robust_z,
        latest.hourly_rate_robust_z,
        coalesce(latest.active_hours_of_day, 0) as active_hours_of_day,
        latest.quiet_window_share,
        latest.gap_cv,
        coalesce(latest.is_rate_outlier, false) as is_rate_outlier,
        coalesce(latest.is_round_the_clock, false) as is_round_the_clock,
        coalesce(latest.is_metronomic, false) as is_metronomic,
        first_flag.bot_since_at,
        first_flag.bot_reason,
        first_flag.bot_since_at is not null as is_bot
    from users
    left join latest
        on users.user_id = latest.user_id
    left join first_flag
        on users.user_id = first_flag.user_id
)

select * from final
