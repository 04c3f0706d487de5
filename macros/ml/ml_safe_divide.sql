{#- numerator / denominator as a double, NULL when the denominator is 0 or
    NULL: a rate with nothing to rate is unknown, not zero (a CTR with no
    impressions says nothing about the user). Used by every rate feature so
    training and serving define rates the same way. -#}
{% macro ml_safe_divide(numerator, denominator) -%}
    case
        when {{ denominator }} > 0
            then cast({{ numerator }} as double) / cast({{ denominator }} as double)
    end
{%- endmacro %}

{#- Engagements per hour since the tweet was posted. The age is floored at one
    hour so a tweet seconds old does not get an absurd velocity. -#}
{% macro ml_engagement_velocity(engagements, age_hours) -%}
    (cast({{ engagements }} as double) / greatest(cast({{ age_hours }} as double), 1.0))
{%- endmacro %}
