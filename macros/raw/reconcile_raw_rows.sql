{#-
    reconcile_raw_rows(source_name, table_name, outputs): the body of a singular test
    proving nothing is lost. It returns one row (raw count, accounted count)
    when the raw input's row count differs from the sum of the row counts of
    `outputs` (the clean, quarantine and duplicate models of that source), and
    no row when they match. The raw side is read through read_raw, so the check
    holds for the seeds and for a user's own files alike. `staged_batches`, a
    relation with a batch_id column, limits a landing zone's raw side to the
    batches it holds: a batch that lands while a run is under way is the next
    run's, and must not count against this one.
-#}
{% macro reconcile_raw_rows(source_name, table_name, outputs, staged_batches=none) %}
    {%- set staged = (
        'raw_input.batch_id in (select staged.batch_id from ' ~ staged_batches ~ ' as staged)'
        if staged_batches is not none and raw_events_are_batches() else 'true'
    ) %}
    with

    raw_rows as (
        select count(*) as row_count
        from {{ read_raw(source_name, table_name) }} as raw_input
        where {{ staged }}
    ),

    output_rows as (
        {{ _output_row_counts(outputs) }}
    ),

    accounted as (
        select
            sum(row_count) as row_count,
            string_agg(output_model || '=' || cast(row_count as string), ', ') as breakdown
        from output_rows
    ),

    failures as (
        select
            raw_rows.row_count as raw_row_count,
            accounted.row_count as accounted_row_count,
            accounted.breakdown
        from raw_rows
        cross join accounted
        where raw_rows.row_count != accounted.row_count
    )

    select * from failures
{% endmacro %}


{#- `select '<model>' as output_model, count(*) as row_count from <model>` for each output, unioned. -#}
{% macro _output_row_counts(outputs) -%}
    {%- set selects = [] -%}
    {%- for output in outputs -%}
        {%- do selects.append(
            "select '" ~ output.identifier ~ "' as output_model, count(*) as row_count from " ~ output
        ) -%}
    {%- endfor -%}
    {{- return(selects | join('\n        union all\n        ')) -}}
{%- endmacro %}
