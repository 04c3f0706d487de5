-- regex_full_match and regex_extract answer the same on every engine: a full
-- match covers the whole text (not a prefix, and not the text before a final
-- line break, which Java's `$` would accept), and an extract that finds
-- nothing, or an empty group, is null. Returns the rows an engine gets wrong.
with

cases as (
    select
        cases.value,
        cases.expected_digits,
        cases.expected_number,
        cases.expected_user
    from (
        values
        ('123', true, '123', null),
        ('-45', true, '45', null),
        ('12a', false, '12', null),
        ('a12', false, '12', null),
        ('12' || chr(10), false, '12', null),
        ('', false, null, null),
        ('x user=ab7 y', false, '7', 'ab7'),
        ('x user=ab y', false, null, 'ab'),
        ('x user=ab7', false, '7', 'ab7'),
        ('x user=ab7' || chr(10), false, '7', null),
        (cast(null as {{ dbt.type_string() }}), null, null, null)
    ) as cases (value, expected_digits, expected_number, expected_user)
),

checked as (
    select
        *,
        {{ regex_full_match('value', '-?[0-9]+') }} as actual_digits,
        {{ regex_extract('value', '([0-9]+)') }} as actual_number,
        {{ regex_extract('value', ' user=([a-z0-9]+)( |$)') }} as actual_user
    from cases
)

select *
from checked
where
    actual_digits is distinct from expected_digits
    or actual_number is distinct from expected_number
    or actual_user is distinct from expected_user
