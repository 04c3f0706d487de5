-- string_agg_ordered joins a group's non-null values in the given order on
-- every engine (ties broken by a second key), and gives null for a group with
-- none. Returns the groups an engine gets wrong.
with

cases as (
    select
        cases.group_id,
        cases.item,
        cases.rank_value
    from (
        values
        (1, 'b', 2),
        (1, 'a', 1),
        (1, 'c', 2),
        (1, cast(null as {{ dbt.type_string() }}), 0),
        (2, cast(null as {{ dbt.type_string() }}), 1),
        (3, 'x', 5)
    ) as cases (group_id, item, rank_value)
),

expected as (
    select
        expected.group_id,
        expected.joined
    from (
        values
        (1, 'c; b; a'),
        (2, cast(null as {{ dbt.type_string() }})),
        (3, 'x')
    ) as expected (group_id, joined)
),

actual as (
    select
        group_id,
        {{ string_agg_ordered('item', "'; '", 'rank_value desc, item desc') }} as joined
    from cases
    group by group_id
)

select
    expected.group_id,
    expected.joined as expected_joined,
    actual.joined as actual_joined
from expected
full outer join actual on expected.group_id = actual.group_id
where expected.joined is distinct from actual.joined or expected.group_id is null or actual.group_id is null
