-- why: counts a click or like whenever it exists, regardless of when it happened
-- expect: 1 missing, 1 extra
-- fails-on: visible
with pairs as (
    select
        user_id,
        tweet_id,
        bool_or(event_type = 'impression') as has_impression,
        bool_or(event_type = 'click') as has_click,
        bool_or(event_type = 'like') as has_like
    from events
    group by user_id, tweet_id
),

steps as (
    select 1 as step_number, 'impression' as step_name,
        count(*) filter (where has_impression) as n_pairs
    from pairs
    union all
    select 2, 'click', count(*) filter (where has_impression and has_click) from pairs
    union all
    select 3, 'like', count(*) filter (where has_impression and has_like) from pairs
)

select
    step_number,
    step_name,
    n_pairs,
    round(n_pairs / nullif(lag(n_pairs) over (order by step_number), 0), 4)
        as conversion_from_previous,
    round(n_pairs / nullif(first_value(n_pairs) over (order by step_number), 0), 4)
        as conversion_from_start
from steps
order by step_number
