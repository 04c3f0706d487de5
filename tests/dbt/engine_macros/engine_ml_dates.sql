-- ml_datediff counts the boundaries crossed, as DuckDB's date_diff does, on
-- every engine: a fraction that crosses one counts, a whole unit that crosses
-- none does not, before 1970 too, backwards is negative, null stays null (no
-- error). ml_dateadd moves by exact units, a microsecond included. Returns
-- the rows an engine gets wrong.
with

cases as (
    select
        cast(cases.start_text as timestamp) as start_at,
        cast(cases.end_text as timestamp) as end_at,
        cases.expected_ms,
        cases.expected_seconds,
        cases.expected_hours,
        cases.expected_days
    from (
        values
        ('2026-01-01 00:00:00.900', '2026-01-01 00:00:01.100', 200, 1, 0, 0),
        ('2026-01-01 00:00:00.100', '2026-01-01 00:00:00.900', 800, 0, 0, 0),
        ('2026-01-01 00:59:59.999', '2026-01-01 01:00:00.001', 2, 1, 1, 0),
        ('2026-01-01 23:59:00', '2026-01-02 00:01:00', 120000, 120, 1, 1),
        ('2026-01-02 00:00:00', '2026-01-02 23:59:59.999', 86399999, 86399, 23, 0),
        ('1969-12-31 23:59:59.500', '1970-01-01 00:00:00.500', 1000, 1, 1, 1),
        ('2026-03-01 00:00:01', '2026-02-27 00:00:00.500', -172800500, -172801, -48, -2),
        ('2026-01-01 00:00:00', null, null, null, null, null)
    ) as cases (start_text, end_text, expected_ms, expected_seconds, expected_hours, expected_days)
),

checked as (
    select
        *,
        {{ ml_datediff('start_at', 'end_at', 'millisecond') }} as actual_ms,
        {{ ml_datediff('start_at', 'end_at', 'second') }} as actual_seconds,
        {{ ml_datediff('start_at', 'end_at', 'hour') }} as actual_hours,
        {{ ml_datediff('start_at', 'end_at', 'day') }} as actual_days,
        {{ ml_datediff('cast(start_at as date)', 'cast(end_at as date)', 'day') }} as actual_date_days,
        {{ ml_dateadd('microsecond', '1', 'start_at') }} as actual_micro_later,
        {{ ml_dateadd('hour', '-(2 + 1)', 'start_at') }} as actual_hours_earlier,
        {{ ml_dateadd('day', '2', 'cast(start_at as date)') }} as actual_days_later
    from cases
)

select *
from checked
where
    actual_ms is distinct from expected_ms
    or actual_seconds is distinct from expected_seconds
    or actual_hours is distinct from expected_hours
    or actual_days is distinct from expected_days
    or actual_date_days is distinct from expected_days
    or cast(actual_micro_later as timestamp) is distinct from start_at + interval 1 microsecond
    or cast(actual_hours_earlier as timestamp) is distinct from start_at - interval 3 hour
    or cast(actual_days_later as timestamp)
    is distinct from cast(cast(start_at as date) as timestamp) + interval 2 day
