{#- The split of a labelled row from its request time `at` and the windows
    `windows` (int_ml_time_windows): 'test' from the test window's start,
    'validation' from the validation window's start, 'train' before. By time,
    never at random, so no split learns from a later one. -#}
{% macro ml_split(at, windows) -%}
    case
        when {{ at }} >= {{ windows }}.test_start_at then 'test'
        when {{ at }} >= {{ windows }}.validation_start_at then 'validation'
        else 'train'
    end
{%- endmacro %}
