with

validated as (
    select * from {{ ref('stg_social__follows_validated') }}
),

final as (
    select
        raw_follower_id as follower_id,
        raw_followee_id as followee_id,
        quarantine_reason,
        raw_followed_at as followed_at
    from validated
    where quarantine_reason is not null
)

select * from final
