with

validated as (
    select * from {{ ref('stg_social__users_validated') }}
),

final as (
    select
        user_id,
        raw_user_id as user_key,
        signup_at,
        country,
        language,
        is_verified
    from validated
    where quarantine_reason is null
)

select * from final
