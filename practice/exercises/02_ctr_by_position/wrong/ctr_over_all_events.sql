-- why: divides clicks by every event at the position, not by impressions
-- expect: the values in 'ctr' are wrong
-- fails-on: visible
with counts as (
    select
        position,
        count(*) filter (where lower(trim(event_type)) = 'impression') as impressions,
        count(*) filter (where lower(trim(event_type)) = 'click') as clicks,
        count(*) as n_events
    from events
    where position is not null
    group by position
)

select position, impressions, clicks, round(clicks / n_events, 4) as ctr
from counts
where impressions > 0
order by position
