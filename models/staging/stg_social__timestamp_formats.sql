{#-
    Which encoding each raw timestamp column is written in, detected from all
    of its values (not a sample), unless var raw_timestamp_formats declares it.
    Staging reads chosen_format when it compiles (macros/raw/raw_timestamps.sql).
    A table: staging queries it at compile time, and the data-quality report
    shows it.
-#}
{{ config(materialized='table') }}

{%- set tables = {} -%}
{%- for table, column in raw_timestamp_columns() -%}
    {%- do tables.setdefault(table, []).append(column) -%}
{%- endfor %}

with

{% for table, columns in tables.items() %}
    {{ table }}_source as (
        select * from {{ read_raw('raw', table) }}
    ),

{% endfor -%}

values_classified as (
    {%- for table, column in raw_timestamp_columns() %}
        select
            '{{ table }}' as source_table,
            '{{ column }}' as column_name,
            coalesce({{ classify_raw_timestamp(raw_text(column)) }}, 'empty') as value_format,
            {{ raw_text(column) }} as raw_value
        from {{ table }}_source
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

classified as (
    select
        source_table,
        column_name,
        value_format,
        count(*) as value_count,
        min(raw_value) as example_value
    from values_classified
    group by source_table, column_name, value_format
),

-- The most frequent recognised encoding wins; ties go to the order of
-- raw_timestamp_grammars (contract first).
ranked as (
    select
        *,
        row_number() over (
            partition by source_table, column_name
            order by
                value_format in ('empty', 'unrecognised'),
                value_count desc,
                case value_format
                    {%- for name, _ in raw_timestamp_grammars() %}
                        when '{{ name }}' then {{ loop.index }}
                    {%- endfor %}
                end
        ) as format_rank
    from classified
),

detected as (
    select
        source_table,
        column_name,
        max(case when format_rank = 1 and value_format not in ('empty', 'unrecognised') then value_format end)
            as detected_format
    from ranked
    group by source_table, column_name
),

declared as (
    {%- for table, column in raw_timestamp_columns() %}
        select
            '{{ table }}' as source_table,
            '{{ column }}' as column_name,
            '{{ raw_timestamp_declared_format(table, column) }}' as declared_format
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

final as (
    select
        ranked.source_table,
        ranked.column_name,
        ranked.value_format,
        cast(ranked.value_count as bigint) as value_count,
        ranked.example_value,
        declared.declared_format,
        coalesce(
            nullif(declared.declared_format, 'auto'), detected.detected_format, 'contract'
        ) as chosen_format
    from ranked
    inner join detected
        on
            ranked.source_table = detected.source_table
            and ranked.column_name = detected.column_name
    inner join declared
        on
            ranked.source_table = declared.source_table
            and ranked.column_name = declared.column_name
)

select * from final
