{#- The online store's user part of a feature vector, as of the serving as-of
    time T: what int_point_in_time_features computes for any request of the
    user at T, by the same rules. Counts are of the user's non-bot events and
    follow edges strictly before T; the daily features come from
    feat_user_daily's last completed day before T's day, and a user without a
    row that day has zero counts, no rates, and the days since the last
    activity carried on from the latest earlier row (NULL without one). -#}
{%- set daily_columns = [] %}
{%- for column in ml_feature_columns() if column.get('daily') %}
    {%- do daily_columns.append(column['name']) %}
{%- endfor %}
{#- The daily features that are counts: 0 on a day without a row. -#}
{%- set zero_when_missing = ['f_user_engagement_trend_7d'] %}
{%- for stem in ml_count_stems() %}
    {%- for days in [1] + ml_daily_windows() %}
        {%- do zero_when_missing.append('f_user_' ~ stem ~ '_' ~ days ~ 'd') %}
    {%- endfor %}
    {%- do zero_when_missing.append('f_user_prev_day_' ~ stem) %}
{%- endfor %}

with

serving as (
    select as_of_at from {{ ref('int_ml_scopes') }}
    where scope = 'serving'
),

users as (
    select
        user_id,
        user_key,
        signup_at
    from {{ ref('dim_users') }}
),

events as (
    select
        user_id,
        is_engagement,
        event_at
    from {{ ref('fct_engagements') }}
    where not is_bot_user
),

follows as (
    select
        follower_id,
        followed_at
    from {{ ref('stg_social__follows') }}
),

user_daily as (
    select * from {{ ref('feat_user_daily') }}
),

-- Users who exist at T (signed up before it, or sign-up unknown).
known_users as (
    select
        users.user_id,
        users.user_key,
        serving.as_of_at,
        cast({{ ml_dateadd('day', '-1', 'cast(serving.as_of_at as date)') }} as date)
            as lookup_date
    from users
    cross join serving
    where users.signup_at is null or users.signup_at < serving.as_of_at
),

engagement_counts as (
    select
        events.user_id,
        sum(case when events.is_engagement then 1 else 0 end) as user_engagements
    from events
    cross join serving
    where events.event_at < serving.as_of_at
    group by events.user_id
),

following_counts as (
    select
        follows.follower_id as user_id,
        count(*) as user_following
    from follows
    cross join serving
    where follows.followed_at < serving.as_of_at
    group by follows.follower_id
),

-- Each user's latest feat_user_daily row on or before the lookup day: the
-- lookup day's own row when there is one (a hit), else the latest earlier.
-- (The daily columns are feat_user_daily's names with the f_user_ prefix.)
latest_daily as (
    select *
    from (
        select
            known_users.user_id,
            known_users.lookup_date,
            user_daily.activity_date,
            {%- for name in daily_columns %}
                user_daily.{{ name[7:] }},
            {%- endfor %}
            row_number() over (
                partition by known_users.user_id order by user_daily.activity_date desc
            ) as recency
        from known_users
        inner join user_daily
            on
                known_users.user_id = user_daily.user_id
                and known_users.lookup_date >= user_daily.activity_date
    ) as ranked
    where recency = 1
),

daily as (
    select
        user_id,
        {%- for name in daily_columns %}
            {%- if name == 'f_user_days_since_last_activity' %}
                case
                    when activity_date = lookup_date then {{ name[7:] }}
                    else {{ name[7:] }} + {{ ml_datediff('activity_date', 'lookup_date', 'day') }}
                end as {{ name }},
            {%- elif name in zero_when_missing %}
                case when activity_date = lookup_date then {{ name[7:] }} else 0 end as {{ name }},
            {%- else %}
                case when activity_date = lookup_date then {{ name[7:] }} end as {{ name }},
            {%- endif %}
        {%- endfor %}
        lookup_date
    from latest_daily
),

joined as (
    select
        known_users.user_id,
        known_users.user_key,
        known_users.as_of_at,
        coalesce(engagement_counts.user_engagements, 0) as f_user_engagements,
        coalesce(following_counts.user_following, 0) as f_user_following,
        {%- for name in daily_columns %}
            {%- if name in zero_when_missing %}
                coalesce(daily.{{ name }}, 0) as {{ name }},
            {%- else %}
                daily.{{ name }},
            {%- endif %}
        {%- endfor %}
        known_users.lookup_date
    from known_users
    left join engagement_counts
        on known_users.user_id = engagement_counts.user_id
    left join following_counts
        on known_users.user_id = following_counts.user_id
    left join daily
        on known_users.user_id = daily.user_id
),

final as (
    select
        cast(user_id as bigint) as user_id,
        cast(user_key as string) as user_key,
        cast(as_of_at as timestamp) as as_of_at,
        cast(f_user_engagements = 0 as boolean) as is_cold,
        {{ ml_feature_casts(['f_user_engagements', 'f_user_following'] + daily_columns) }}
    from joined
)

select * from final
