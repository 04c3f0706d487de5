with

validated as (
    select * from {{ ref('stg_social__follows_validated') }}
),

final as (
    select
        follower_id,
        followee_id,
        followed_at
    from validated
    where quarantine_reason is null
)

select * from final
