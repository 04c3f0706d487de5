-- day_spine has one row per day from start to end inclusive (leap days
-- included), one row when they are equal and none when start is after end.
{%- set spans = [
    ('leap', '2024-02-27', '2024-03-02'),
    ('one', '2024-03-01', '2024-03-01'),
    ('none', '2024-03-02', '2024-03-01'),
] %}

with

spans as (
    {%- for span, start_day, end_day in spans %}
        select
            '{{ span }}' as span,
            count(spine.day) as n_days,
            min(spine.day) as first_day,
            max(spine.day) as last_day
        from {{ day_spine("cast('" ~ start_day ~ "' as date)", "cast('" ~ end_day ~ "' as date)") }} as spine
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
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
