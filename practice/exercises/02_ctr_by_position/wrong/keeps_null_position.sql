-- why: NULL positions are reported as a position of their own
-- expect: 1 extra
-- fails-on: hidden_nulls
with counts as (
    select
        position,
        count(*) filter (where lower(trim(event_type)) = 'impression') as impressions,
        count(*) filter (where lower(trim(event_type)) = 'click') as clicks
    from events
    group by position
)

select position, impressions, clicks, round(clicks / impressions, 4) as ctr
from counts
where impressions > 0
order by position nulls first
