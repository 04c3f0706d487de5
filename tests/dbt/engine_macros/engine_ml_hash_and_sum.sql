-- ml_hash_mod draws the same number from the same key on every engine: the
-- first 60 bits of the key's MD5 modulo the modulus (expected values from
-- Python's hashlib), so seeded samples are the same rows everywhere.
-- ml_exact_sum adds terms exactly to 1e-12 whatever their order, where a
-- floating sum of 0.1 + 0.2 - 0.3 is not 0. Returns the rows an engine gets wrong.
with

draws as (
    select
        draws.hash_key,
        draws.modulus,
        draws.expected
    from (
        values
        ('7:1001:0', 1000, 972),
        ('7:1001:1', 1000, 555),
        ('42:abc', 1000000007, 630044374),
        ('', 13, 12),
        ('x', 1, 0)
    ) as draws (hash_key, modulus, expected)
),

terms as (
    select terms.term
    from (values (0.1), (0.2), (-0.3), (1e9), (-1e9)) as terms (term)
),

wrong_draws as (
    select
        'ml_hash_mod(' || hash_key || ')' as checked_call,
        cast({{ ml_hash_mod('hash_key', 'modulus') }} as bigint) as actual,
        expected
    from draws
),

wrong_sums as (
    select
        'ml_exact_sum' as checked_call,
        {{ ml_exact_sum('cast(term as double)') }} as actual,
        0.0 as expected
    from terms
)

select
    checked_call,
    cast(actual as double) as actual,
    cast(expected as double) as expected
from wrong_draws
where actual is distinct from expected
union all
select
    checked_call,
    actual,
    expected
from wrong_sums
where actual is distinct from expected
