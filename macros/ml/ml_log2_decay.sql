{#- Time decay in log space. The decay factor of an event is
    0.5 ^ (age_days / affinity_half_life_days), the age being measured in
    milliseconds between `event_at` and `as_of_at` (an event one half-life old
    counts half; millisecond resolution matches the raw timestamps). Over a
    long history the factor itself underflows (2 ^ -1074 is the smallest
    double: 20 years at a 7-day half-life, and any rounding to a fixed number
    of decimals far sooner), so the models work with its base-2 logarithm,
    -age_days / half_life, which is exact and never underflows. -#}
{% macro ml_log2_decay(event_at, as_of_at) -%}
    (
        -{{ ml_days_between(event_at, as_of_at) }}
        / cast({{ var('affinity_half_life_days') }} as double)
    )
{%- endmacro %}

{#- log2(sum_i weight_i * 2 ^ log2_term_i) over one group, without
    underflow: anchor + log2(sum_i weight_i * 2 ^ (log2_term_i - anchor)),
    `anchor` being the group's largest term (the log-sum-exp identity: every
    shifted power is in (0, 1] and the largest is exactly 1, so the sum is at
    least that term's weight). `log2_term`, `anchor` and `weight` are SQL
    expressions; `anchor` must be constant within the group (a window max
    over it). An aggregate expression: use it in a grouped select. The sum is
    exact (ml_exact_sum), so the result does not depend on row order. -#}
{% macro ml_log2_sum_exp2(log2_term, anchor, weight='cast(1 as double)') -%}
    (
        max({{ anchor }})
        + log2({{ ml_exact_sum(weight ~ ' * power(cast(2 as double), ' ~ log2_term ~ ' - ' ~ anchor ~ ')') }})
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

{#- The decayed user-author affinity of a group of engagements: sum of
    weight * 2 ^ log2_decay, summed in log space (ml_log2_sum_exp2) and
    rounded there to 9 decimals (a relative precision of 6e-10) so that an
    unordered parallel sum is bit-identical between builds. An aggregate:
    `anchor` is the group's largest log2_decay. The feature's one definition,
    for the point-in-time join and the online store alike. -#}
{% macro ml_decayed_affinity(log2_decay, anchor, weight) -%}
    power(cast(2 as double), {{ ml_round(ml_log2_sum_exp2(log2_decay, anchor, weight), 9) }})
{%- endmacro %}
