{#- A table: the clean and quarantine models both read it, and events join it. -#}
{{ config(
    materialized='table',
    post_hook="{{ fail_when_mostly_quarantined('users') }}",
) }}

-- depends_on: {{ ref('stg_social__timestamp_formats') }}
-- depends_on: {{ ref('stg_social__id_formats') }}

with

source as (
    select * from {{ read_raw('raw', 'users') }}
),

typed as (
    select
        {{ raw_text('user_id') }} as raw_user_id,
        {{ raw_text('signup_at') }} as raw_signup_at,
        {{ raw_text('country') }} as raw_country,
        {{ raw_text('language') }} as raw_language,
        {{ raw_text('is_verified') }} as raw_is_verified,
        {{ raw_id('user', 'user_id') }} as user_id,
        {{ raw_timestamp('users', 'signup_at') }} as signup_at,
        upper({{ raw_text('country') }}) as country,
        lower({{ raw_text('language') }}) as language,
        {{ parse_raw_boolean('is_verified') }} as is_verified
    from source
),

row_checked as (
    select
        *,
        case
            when raw_user_id is null then 'missing_id'
            when {{ raw_out_of_range('raw_user_id', 'user_id') }} then 'out_of_range:user_id'
            when user_id is null then 'malformed_id'
            when signup_at is null then 'malformed_timestamp'
            when is_verified is null then 'malformed_value'
        end as row_reason
    from typed
),

key_ranked as (
    -- Among usable rows, the earliest signup wins a repeated user_id; full-row
    -- ordering makes the choice deterministic.
    select
        *,
        row_number() over (
            partition by user_id, row_reason is null
            order by
                signup_at, raw_signup_at, raw_country, raw_language, raw_is_verified
        ) as key_rank
    from row_checked
),

final as (
    select
        raw_user_id,
        raw_signup_at,
        raw_country,
        raw_language,
        raw_is_verified,
        user_id,
        signup_at,
        country,
        language,
        is_verified,
        case
            when row_reason is not null then row_reason
            when key_rank > 1 then 'duplicate_key'
        end as quarantine_reason
    from key_ranked
)

select * from final
