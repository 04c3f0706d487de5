-- raw_text_id_hash maps a text id to a non-negative bigint, the same one every
-- time, different ones for different texts, and null to null. Engines use
-- their own hash functions, so only these properties are compared, not values.
with

cases as (
    select cases.id_text
    from (
        values
        ('user-1'),
        ('user-2'),
        ('User-1'),
        ('6f1c0b2e-9a4d-4f3b-8c1e-2b7d5a9e0f11'),
        ('é'),
        (''),
        (cast(null as {{ dbt.type_string() }}))
    ) as cases (id_text)
),

hashed as (
    select
        cases.id_text,
        {{ raw_text_id_hash('cases.id_text') }} as first_hash,
        {{ raw_text_id_hash('cases.id_text') }} as second_hash
    from cases
),

problems as (
    select
        hashed.id_text,
        'not a stable non-negative bigint, or null not kept null' as problem
    from hashed
    where
        hashed.first_hash is distinct from hashed.second_hash
        or (hashed.id_text is null) <> (hashed.first_hash is null)
        or hashed.first_hash < 0
    union all
    select
        max(hashed.id_text) as id_text,
        'two texts share a hash' as problem
    from hashed
    where hashed.id_text is not null
    group by hashed.first_hash
    having count(*) > 1
)

select * from problems
