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

daily_reach as (
    select
        author_id,
        activity_date,
        count(case when is_impression then 1 end) as impressions,
        count(distinct case when is_impression then user_id end) as users_reached,
        count(case when is_engagement then 1 end) as engagements,
        count(distinct case when is_engagement then user_id end) as users_engaged
    from human_events
    group by author_id, activity_date
),

final as (
    select
        author_id,
        activity_date,
        impressions,
        users_reached,
        engagements,
        users_engaged,
        case
            when impressions > 0 then round(cast(engagements as double) / impressions, 6)
        end as engagement_rate
    from daily_reach
)

select * from final
