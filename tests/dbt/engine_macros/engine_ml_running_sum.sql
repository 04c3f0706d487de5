-- ml_running_sum gives what the global window it replaces gives: row numbers and a
-- running total in (bucket, key) order across buckets of uneven size, ties in the
-- order broken by the frame. ml_id_bucket keeps negative ids in 0..63.
-- sim_integer_divide is exact past 2^53, where a quotient through a double is not.
-- Returns the rows an engine gets wrong.
with

cases as (
    select
        cases.bucket,
        cases.sort_key,
        cases.weight
    from (
        values
        (2, 10, 5),
        (0, 3, 1),
        (0, 1, 2),
        (1, 7, 0),
        (0, 2, 4),
        (2, 11, 1),
        (5, 20, 3)
    ) as cases (bucket, sort_key, weight)
),

numbered as (
    select
        sort_key,
        row_count
    from {{ ml_running_sum('cases', ['sort_key'], ['bucket'], 'sort_key', '1', 'row_count') }} as numbered
),

summed as (
    select
        sort_key,
        weight_total
    from {{ ml_running_sum(
        'cases', ['sort_key'], ['bucket'], 'sort_key', 'weight', 'weight_total'
    ) }} as summed
),

expected as (
    select
        sort_key,
        row_number() over (order by bucket, sort_key) as row_count,
        sum(weight) over (
            order by bucket, sort_key rows between unbounded preceding and current row
        ) as weight_total
    from cases
),

divided as (
    select
        {{ sim_integer_divide('cast(1152921504606846975 as bigint)', '2147483648') }} as quotient,
        cast(536870911 as bigint) as expected_quotient
)

select
    'ml_running_sum' as checked_call,
    expected.sort_key as case_key
from expected
left join numbered on expected.sort_key = numbered.sort_key
left join summed on expected.sort_key = summed.sort_key
where
    numbered.row_count is distinct from expected.row_count
    or summed.weight_total is distinct from expected.weight_total
union all
select
    'ml_id_bucket' as checked_call,
    ids.id_value as case_key
from (values (-1), (-64), (63), (64), (-129)) as ids (id_value)
where {{ ml_id_bucket('ids.id_value') }} not between 0 and 63
union all
select
    'sim_integer_divide' as checked_call,
    quotient as case_key
from divided
where quotient is distinct from expected_quotient
