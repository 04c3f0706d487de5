{#- The weight of one engagement in an affinity score, read from the
    `engagement_weights` var (event_type -> weight). Types without a weight
    (impression, negative_feedback) weigh 0, so they never raise an affinity.
    Rendered as a CASE so every engine runs it; dispatched so sqlfluff can
    lint the models that call it (its var() stand-in has no .items()). -#}
{% macro ml_engagement_weight(event_type_column) -%}
    {{ return(adapter.dispatch('ml_engagement_weight')(event_type_column)) }}
{%- endmacro %}

{% macro default__ml_engagement_weight(event_type_column) -%}
    case {{ event_type_column }}
    {%- for event_type, weight in var('engagement_weights').items() %}
        when '{{ event_type }}' then cast({{ weight }} as double)
    {%- endfor %}
        else cast(0 as double)
    end
{%- endmacro %}
