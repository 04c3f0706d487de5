-- why: sum(case ... end) without else is NULL for a position without clicks
-- expect: the values in
-- fails-on: visible
with counts as (
    select
        position,
        sum(case when lower(trim(event_type)) = 'impression' then 1 end) as impressions,
        sum(case when lower(trim(event_type)) = 'click' then 1 end) as clicks
    from events
    where position is not null
    group by position
)

select position, impressions, clicks, round(clicks / impressions, 4) as ctr
from counts
where impressions > 0
order by position
