-- day_spine has one row per day from start to end inclusive (leap days
-- included), one row when they are equal and none when start is after end.
with

spans as (
    select
        'leap' as span,
        count(spine.day) as n_days,
        min(spine.day) as first_day,
        max(spine.day) as last_day
    from {{ day_spine("cast('2024-02-27' as date)", "cast('2024-03-02' as date)") }} as spine
    union all
    select
        'one' as span,
        count(spine.day) as n_days,
        min(spine.day) as first_day,
        max(spine.day) as last_day
    from {{ day_spine("cast('2024-03-01' as date)", "cast('2024-03-01' as date)") }} as spine
    union all
    select
        'none' as span,
        count(spine.day) as n_days,
        min(spine.day) as first_day,
        max(spine.day) as last_day
    from {{ day_spine("cast('2024-03-02' as date)", "cast('2024-03-01' as date)") }} as spine
),

expected as (
    select
        expected.span,
        expected.n_days,
        cast(expected.first_day as date) as first_day,
        cast(expected.last_day as date) as last_day
    from (
        values
        ('leap', 5, '2024-02-27', '2024-03-02'),
        ('one', 1, '2024-03-01', '2024-03-01'),
        ('none', 0, null, null)
    ) as expected (span, n_days, first_day, last_day)
)

select
    expected.span,
    spans.n_days,
    spans.first_day,
    spans.last_day
from expected
left join spans
    on expected.span = spans.span
where
    spans.n_days is distinct from expected.n_days
    or spans.first_day is distinct from expected.first_day
    or spans.last_day is distinct from expected.last_day
