{#-
    The engagement vocabulary in one place. An engagement is any event type
    except an impression (a view, not an action) and negative feedback (an
    action against the tweet).
-#}

{#- (event_type, plural column name) for every known event type, in contract order. -#}
{% macro event_type_columns() -%}
    {{ return([
        ('impression', 'impressions'),
        ('click', 'clicks'),
        ('like', 'likes'),
        ('retweet', 'retweets'),
        ('reply', 'replies'),
        ('profile_click', 'profile_clicks'),
        ('negative_feedback', 'negative_feedbacks'),
    ]) }}
{%- endmacro %}


{#- True when `event_type` counts as an engagement. -#}
{% macro is_engagement(event_type) -%}
    ({{ event_type }} not in ('impression', 'negative_feedback'))
{%- endmacro %}


{#- One count column per event type plus `engagements`, for a grouped select. -#}
{% macro event_type_counts(event_type='event_type') -%}
    {%- for type_name, column_name in event_type_columns() %}
        count(case when {{ event_type }} = '{{ type_name }}' then 1 end) as {{ column_name }},
    {%- endfor %}
        count(case when {{ is_engagement(event_type) }} then 1 end) as engagements
{%- endmacro %}
