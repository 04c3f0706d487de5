{#- Exponential time decay 0.5 ^ (age_days / affinity_half_life_days), the age
    being measured in milliseconds between `event_at` and `as_of_at` (an event
    one half-life old counts half). Millisecond resolution matches the raw
    timestamps, so the factor is exact for them. -#}
{% macro ml_decay_factor(event_at, as_of_at) -%}
    power(
        cast(0.5 as double),
        {{ ml_days_between(event_at, as_of_at) }}
        / cast({{ var('affinity_half_life_days') }} as double)
    )
{%- endmacro %}

{#- Fractional days from `start_at` to `end_at` (positive when end is later),
    at millisecond resolution. Engine differences stay behind dbt's own
    cross-database datediff. -#}
{% macro ml_days_between(start_at, end_at) -%}
    (cast({{ ml_datediff(start_at, end_at, 'millisecond') }} as double) / 86400000.0)
{%- endmacro %}

{#- Fractional hours from `start_at` to `end_at`, millisecond resolution. -#}
{% macro ml_hours_between(start_at, end_at) -%}
    (cast({{ ml_datediff(start_at, end_at, 'millisecond') }} as double) / 3600000.0)
{%- endmacro %}
