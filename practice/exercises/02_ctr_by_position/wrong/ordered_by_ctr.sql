-- why: orders by ctr instead of position
-- expect: right rows, wrong order
-- fails-on: hidden_messy_types
with counts as (
    select
        position,
        count(*) filter (where lower(trim(event_type)) = 'impression') as impressions,
        count(*) filter (where lower(trim(event_type)) = 'click') as clicks
    from events
    where position is not null
    group by position
)

select position, impressions, clicks, round(clicks / impressions, 4) as ctr
from counts
where impressions > 0
order by ctr desc
