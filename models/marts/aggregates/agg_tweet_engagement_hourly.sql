{#- Incremental, append after a pre-hook delete, keyed by tweet
    (macros/stream/changed_keys.sql): every hour of each tweet whose hourly
    counts int_tweet_engagement_hourly recomputed. -#}
{{ config(**stream_keyed_incremental(
    'tweet', 'tweet_id', ['int_tweet_engagement_hourly'],
)) }}

with

hourly as (
    select * from {{ ref('int_tweet_engagement_hourly') }}
    where {{ stream_keep_claimed('tweet', 'tweet_id') }}
),

tweets as (
    select * from {{ ref('stg_social__tweets') }}
),

final as (
    select
        hourly.tweet_id,
        hourly.hour_start,
        tweets.author_id,
        tweets.topic,
        {%- for _, column_name in event_type_columns() %}
            hourly.{{ column_name }},
        {%- endfor %}
        hourly.engagements,
        case
            when hourly.impressions > 0
                then {{ ml_round('cast(hourly.clicks as double) / hourly.impressions', 6) }}
        end as click_through_rate,
        case
            when hourly.impressions > 0
                then {{ ml_round('cast(hourly.engagements as double) / hourly.impressions', 6) }}
        end as engagement_rate
    from hourly
    inner join tweets
        on hourly.tweet_id = tweets.tweet_id
)

select * from final
