with events as (
    select
        position,
        lower(trim(event_type)) as event_type
    from events
    where position is not null
),

counts as (
    select
        position,
        count(*) filter (where event_type = 'impression') as impressions,
        count(*) filter (where event_type = 'click') as clicks
    from events
    group by position
),

final as (
    select
        position,
        impressions,
        clicks,
        round(clicks / impressions, 4) as ctr
    from counts
    where impressions > 0
)

select * from final
order by position
