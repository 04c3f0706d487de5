{#-
    How each id space is written: whole numbers or text (hashes, UUIDs),
    detected from the ids of the table that owns them unless var raw_id_formats
    declares it. Staging reads chosen_format when it compiles (macros/raw/raw_ids.sql).
-#}
{{ config(materialized='table') }}

with

{% for space, table, column in raw_id_spaces() %}
    {{ space }}_ids as (
        select
            '{{ space }}' as id_space,
            '{{ table }}.{{ column }}' as owning_column,
            count({{ raw_text(column) }}) as non_empty_ids,
            count(case when {{ regex_full_match(raw_text(column), '-?[0-9]{1,19}') }} then 1 end)
                as integer_ids,
            count(distinct {{ raw_text(column) }}) as distinct_ids,
            count(distinct {{ raw_text_id_hash(raw_text(column)) }}) as distinct_text_hashes,
            min({{ raw_text(column) }}) as example_id,
            '{{ raw_id_declared_format(space) }}' as declared_format
        from {{ read_raw('raw', table) }}
    ),

{% endfor -%}

unioned as (
    {%- for space, _, _ in raw_id_spaces() %}
        select * from {{ space }}_ids
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}
),

final as (
    select
        id_space,
        owning_column,
        cast(non_empty_ids as bigint) as non_empty_ids,
        cast(integer_ids as bigint) as integer_ids,
        cast(distinct_ids as bigint) as distinct_ids,
        cast(distinct_text_hashes as bigint) as distinct_text_hashes,
        example_id,
        declared_format,
        case
            when declared_format <> 'auto' then declared_format
            -- Mostly whole numbers: integer ids, and the rest are malformed.
            when integer_ids * 2 >= non_empty_ids then 'integer'
            else 'text'
        end as chosen_format
    from unioned
)

select * from final
