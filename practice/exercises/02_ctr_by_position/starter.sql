-- ctr-by-position: one row per position with impressions, ordered by position.
-- Output columns: position, impressions, clicks, ctr (4 decimals)
-- Grade it: python -m practice check ctr-by-position THIS_FILE.sql
with events as (
    select * from events
),

final as (
    select
        position,
        count(*) as impressions,
        0 as clicks,
        0.0 as ctr
    from events
    group by position
)

select * from final
