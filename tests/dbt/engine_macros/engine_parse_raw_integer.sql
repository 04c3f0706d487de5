-- parse_raw_integer accepts whole numbers only, trimmed, within the type's
-- range, and never raises; everything else is null. Same answers on every engine.
with

cases as (
    select
        cases.value,
        cases.expected_bigint,
        cases.expected_integer
    from (
        values
        ('42', 42, 42),
        (' -7 ', -7, -7),
        ('007', 7, 7),
        ('1.0', null, null),
        ('1e3', null, null),
        ('4 2', null, null),
        ('12' || chr(10), null, null),
        ('+5', null, null),
        ('2147483648', 2147483648, null),
        ('9223372036854775807', 9223372036854775807, null),
        ('9223372036854775808', null, null),
        ('', null, null),
        (cast(null as {{ dbt.type_string() }}), null, null)
    ) as cases (value, expected_bigint, expected_integer)
),

checked as (
    select
        *,
        {{ parse_raw_integer('value', 'bigint') }} as actual_bigint,
        {{ parse_raw_integer('value', 'integer') }} as actual_integer
    from cases
)

select *
from checked
where
    actual_bigint is distinct from cast(expected_bigint as bigint)
    or actual_integer is distinct from cast(expected_integer as bigint)
