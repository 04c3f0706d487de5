{#- Human reach only: events by users flagged as bots are left out. -#}

with

engagements as (
    select * from {{ ref('fct_engagements') }}
),

human_events as (
    select
        author_id,
        user_id,
        cast(event_at as date) as activity_date,
        event_type = 'impression' as is_impression,
        is_engagement
    from engagements
    where not is_bot_user
),

-- One row per author, day and user first: the distinct-user counts below
-- become plain counts of these rows, so the events are hashed once (two
-- count(distinct) over the events cost two more hash tables over them).
user_reach as (
    select
        author_id,
        activity_date,
        user_id,
        count(case when is_impression then 1 end) as impressions,
        count(case when is_engagement then 1 end) as engagements
    from human_events
    group by author_id, activity_date, user_id
),

-- count(distinct) ignores a NULL user_id: so do these counts.
daily_reach as (
    select
        author_id,
        activity_date,
        sum(impressions) as impressions,
        count(case when impressions > 0 then user_id end) as users_reached,
        sum(engagements) as engagements,
        count(case when engagements > 0 then user_id end) as users_engaged
    from user_reach
    group by author_id, activity_date
),

final as (
    select
        author_id,
        activity_date,
        cast(impressions as bigint) as impressions,
        users_reached,
        cast(engagements as bigint) as engagements,
        users_engaged,
        case
            when impressions > 0 then {{ ml_round('cast(engagements as double) / impressions', 6) }}
        end as engagement_rate
    from daily_reach
)

select * from final
