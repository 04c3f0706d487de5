{#- The event types the feature models count, each with the plural stem its
    count columns use (`likes_7d`, `f_user_likes_7d`); the same vocabulary as
    event_type_columns() in macros/events, whose count columns
    (int_user_activity_daily) feat_user_daily reads by these names, so a
    mismatch fails the build. Literal lists (not built from that macro) so
    sqlfluff's templater renders the loops over them. -#}
{% macro ml_event_types() -%}
    {{ return([
        {'event_type': 'impression', 'stem': 'impressions'},
        {'event_type': 'click', 'stem': 'clicks'},
        {'event_type': 'like', 'stem': 'likes'},
        {'event_type': 'retweet', 'stem': 'retweets'},
        {'event_type': 'reply', 'stem': 'replies'},
        {'event_type': 'profile_click', 'stem': 'profile_clicks'},
        {'event_type': 'negative_feedback', 'stem': 'negative_feedbacks'},
    ]) }}
{%- endmacro %}

{#- The stems of every count column of feat_user_daily: one per event type,
    plus `engagements` (every type with is_engagement). -#}
{% macro ml_count_stems() -%}
    {{ return([
        'impressions', 'clicks', 'likes', 'retweets', 'replies', 'profile_clicks',
        'negative_feedbacks', 'engagements',
    ]) }}
{%- endmacro %}
