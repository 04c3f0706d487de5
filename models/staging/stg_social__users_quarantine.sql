with

validated as (
    select * from {{ ref('stg_social__users_validated') }}
),

final as (
    select
        raw_user_id as user_id,
        quarantine_reason,
        raw_signup_at as signup_at,
        raw_country as country,
        raw_language as language,
        raw_is_verified as is_verified
    from validated
    where quarantine_reason is not null
)

select * from final
