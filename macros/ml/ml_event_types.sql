{#- The event types the feature models count, each with the plural stem its
    count columns use (`likes_7d`, `f_user_likes_7d`): event_type_columns()
    from macros/events, reshaped into dicts for the feature loops. -#}
{% macro ml_event_types() -%}
    {%- set types = [] -%}
    {%- for event_type, stem in event_type_columns() -%}
        {%- do types.append({'event_type': event_type, 'stem': stem}) -%}
    {%- endfor -%}
    {{ return(types) }}
{%- endmacro %}

{#- The stems of every count column of feat_user_daily: one per event type,
    plus `engagements` (every type with is_engagement). -#}
{% macro ml_count_stems() -%}
    {%- set stems = [] -%}
    {%- for _, stem in event_type_columns() -%}
        {%- do stems.append(stem) -%}
    {%- endfor -%}
    {%- do stems.append('engagements') -%}
    {{ return(stems) }}
{%- endmacro %}
