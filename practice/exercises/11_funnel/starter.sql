-- funnel: exactly three rows (impression, click, like), ordered by step_number.
-- Output columns: step_number, step_name, n_pairs, conversion_from_previous,
--                 conversion_from_start
-- Grade it: python -m practice check funnel THIS_FILE.sql
with events as (
    select * from events
),

final as (
    select
        1 as step_number,
        'impression' as step_name,
        count(*) as n_pairs,
        null as conversion_from_previous,
        1.0 as conversion_from_start
    from events
)

select * from final
