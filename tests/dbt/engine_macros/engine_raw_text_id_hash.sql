-- raw_text_id_hash maps a text id to the first 60 bits of its UTF-8 MD5 (expected
-- values from Python's hashlib), the same surrogate on every engine, and null to
-- null. Returns the rows an engine gets wrong.
with

cases as (
    select
        cases.id_text,
        cast(cases.expected as bigint) as expected
    from (
        values
        ('user-1', 967560359272236975),
        ('User-1', 762897742092620113),
        ('6f1c0b2e-9a4d-4f3b-8c1e-2b7d5a9e0f11', 1127136113057828341),
        ('é', 463269163352058555),
        ('', 955282973525019424),
        (cast(null as {{ dbt.type_string() }}), cast(null as bigint))
    ) as cases (id_text, expected)
),

hashed as (
    select
        cases.id_text,
        cases.expected,
        {{ raw_text_id_hash('cases.id_text') }} as actual
    from cases
)

select
    hashed.id_text,
    hashed.actual,
    hashed.expected
from hashed
where hashed.actual is distinct from hashed.expected
