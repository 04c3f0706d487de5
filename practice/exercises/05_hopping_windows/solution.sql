with events as (
    select * from events
),

hop_offsets as (
    select unnest([0, 1]) as hops_back
),

assigned as (
    select
        events.event_id,
        events.user_id,
        time_bucket(interval '5 minutes', events.event_ts)
        - hop_offsets.hops_back * interval '5 minutes' as window_start
    from events
    cross join hop_offsets
),

final as (
    select
        window_start,
        window_start + interval '10 minutes' as window_end,
        count(*) as n_events,
        count(distinct user_id) as n_users
    from assigned
    group by window_start
)

select * from final
