{#-
    Fails with every non-null value of `column_name` outside [min_value, max_value]
    (either bound optional; `inclusive: false` makes both bounds strict).
-#}
{% test accepted_range(model, column_name, min_value=none, max_value=none, inclusive=true) %}
    {%- if min_value is none and max_value is none -%}
        {{ exceptions.raise_compiler_error('accepted_range needs min_value or max_value') }}
    {%- endif -%}
    {%- set lower_bound = 'true' if min_value is none
        else 'checked_value ' ~ ('>=' if inclusive else '>') ~ ' ' ~ min_value -%}
    {%- set upper_bound = 'true' if max_value is none
        else 'checked_value ' ~ ('<=' if inclusive else '<') ~ ' ' ~ max_value -%}
    with

    checked as (
        select {{ column_name }} as checked_value
        from {{ model }}
        where {{ column_name }} is not null
    ),

    failures as (
        select *
        from checked
        where not ({{ lower_bound }} and {{ upper_bound }})
    )

    select * from failures
{% endtest %}
