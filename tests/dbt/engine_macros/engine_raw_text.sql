-- raw_text trims Unicode space separators (category Zs: the space, U+00A0,
-- U+3000, ...) from both ends, keeps tabs and line breaks, and makes blanks
-- null, on every engine. On DuckDB the portable default__ variant is checked
-- too (Spark's trim() removes only the ASCII space, hence spark__raw_text).
-- Characters beyond ASCII are written into the literals by jinja: Spark's chr()
-- takes its argument modulo 256.
with

cases as (
    select
        cases.value,
        cases.expected
    from (
        values
        (' a ', 'a'),
        ('a b', 'a b'),
        ('{{ "%c" % 12288 }}b{{ "%c" % 160 }}', 'b'),
        ('{{ "%c" % 8239 }}é{{ "%c" % 8201 }}', 'é'),
        (chr(9) || 'c', chr(9) || 'c'),
        ('d' || chr(10), 'd' || chr(10)),
        ('', null),
        ('   ', null),
        ('{{ "%c" % 12288 }}', null),
        (cast(null as {{ dbt.type_string() }}), null)
    ) as cases (value, expected)
),

{#- The default__ variant is checked where its SQL is meant to give these answers. -#}
{%- set check_default = adapter.type() == 'duckdb' %}

checked as (
    select
        cases.value,
        cases.expected,
        {{ raw_text('cases.value') }} as actual,
        {{ default__raw_text('cases.value') if check_default else 'cases.expected' }} as actual_default
    from cases
)

select *
from checked
where actual is distinct from expected or actual_default is distinct from expected
