{#-
    Incremental (delete+insert on event_id; docs/raw_data_contract.md,
    "Landing zone"). From a landing zone, a run stages only the batches not
    staged yet, and re-judges with them every earlier delivery of the event
    ids they deliver, so a redelivery in batch N of an event kept from batch 1
    is a duplicate, exactly as in one full refresh. Not microbatch: a row's
    fate depends on every delivery of its event_id, whatever its event time,
    and a malformed row has no event time at all. Outside a landing zone the
    events are one batch that may have changed, and every run rebuilds
    (stream_rebuild_unless_landing).
-#}
{{ config(
    materialized='incremental',
    tags=['stream'],
    incremental_strategy='delete+insert',
    unique_key='event_id',
    on_schema_change='sync_all_columns',
    pre_hook=["{{ stream_rebuild_unless_landing() }}", "{{ raw_event_batches_delete_restaged() }}"],
    post_hook=["{{ fail_when_mostly_quarantined('events') }}", "{{ stream_log_staged_changes() }}"],
) }}

-- depends_on: {{ ref('stg_social__timestamp_formats') }}
-- depends_on: {{ ref('stg_social__id_formats') }}

{#- What this run judges: every delivery on a full build (or outside a landing
    zone); from a landing zone, the batches not staged yet (and those of the
    day var stream_restage_day backfills, whose rows the pre-hook deletes)
    plus the earlier deliveries of the event ids they carry. -#}
{%- set batches = raw_event_batch_files() %}
{%- if is_incremental() and batches is not none %}
    {%- set delivered = read_raw_event_batches(
        raw_event_batches_not_in(batches, this) + raw_event_batches_restaged(batches, this)
    ) %}
    {%- set staged = this %}
{%- else %}
    {%- set delivered = raw_events_as_one_batch() if batches is none else read_raw('raw', 'events') %}
    {#- Nothing is staged before a full build. -#}
    {%- set staged = '(select null as event_id, null as batch_id, null as raw_event_id,'
        ~ ' null as raw_event_ts, null as raw_ingested_at, null as raw_user_id, null as raw_tweet_id,'
        ~ ' null as raw_event_type, null as raw_position, null as raw_client where false)' %}
{%- endif %}

with

new_deliveries as (
    select * from {{ delivered }}
),

delivered_event_ids as (
    select distinct {{ raw_text('event_id') }} as event_id from new_deliveries
),

source as (
    select * from new_deliveries
    union all
    -- Earlier deliveries of the same event ids, re-judged with the new ones.
    select
        staged.raw_event_id as event_id,
        staged.raw_event_ts as event_ts,
        staged.raw_ingested_at as ingested_at,
        staged.raw_user_id as user_id,
        staged.raw_tweet_id as tweet_id,
        staged.raw_event_type as event_type,
        staged.raw_position as position,
        staged.raw_client as client,
        staged.batch_id
    from {{ staged }} as staged
    inner join delivered_event_ids
        on staged.event_id = delivered_event_ids.event_id
),

users as (
    select * from {{ ref('stg_social__users') }}
),

tweets as (
    select * from {{ ref('stg_social__tweets') }}
),

typed as (
    select
        {{ raw_text('event_id') }} as raw_event_id,
        {{ raw_text('event_ts') }} as raw_event_ts,
        {{ raw_text('ingested_at') }} as raw_ingested_at,
        {{ raw_text('user_id') }} as raw_user_id,
        {{ raw_text('tweet_id') }} as raw_tweet_id,
        {{ raw_text('event_type') }} as raw_event_type,
        {{ raw_text('position') }} as raw_position,
        {{ raw_text('client') }} as raw_client,
        {{ raw_text('event_id') }} as event_id,
        {{ raw_timestamp('events', 'event_ts') }} as event_at,
        {{ raw_timestamp('events', 'ingested_at') }} as ingested_at,
        {{ raw_id('user', 'user_id') }} as user_id,
        {{ raw_id('tweet', 'tweet_id') }} as tweet_id,
        lower({{ raw_text('event_type') }}) as event_type,
        {{ parse_raw_integer('position', 'integer') }} as position,
        lower({{ raw_text('client') }}) as client,
        batch_id
    from source
),

deliveries_ranked as (
    -- At-least-once delivery: keep the earliest-received copy of each event_id.
    -- Ties on ingested_at fall back to the raw text of every column, so the
    -- kept row never depends on file order. A later copy whose payload (every
    -- typed column but ingested_at) differs from the kept one's is not a
    -- redelivery but a conflict: quarantined as conflicting_duplicate.
    select
        *,
        row_number() over deliveries as rank_within_event_id,
        (
            event_at is distinct from first_value(event_at) over deliveries
            or user_id is distinct from first_value(user_id) over deliveries
            or tweet_id is distinct from first_value(tweet_id) over deliveries
            or event_type is distinct from first_value(event_type) over deliveries
            or position is distinct from first_value(position) over deliveries
            or client is distinct from first_value(client) over deliveries
        ) as is_conflicting
    from typed
    window deliveries as (
        partition by event_id
        order by
            ingested_at nulls last,
            raw_ingested_at nulls last,
            raw_event_ts nulls last,
            raw_user_id nulls last,
            raw_tweet_id nulls last,
            raw_event_type nulls last,
            raw_position nulls last,
            raw_client nulls last,
            batch_id
    )
),

checked as (
    -- One reason per row; the first failing check wins (precedence documented
    -- in the yml).
    select
        deliveries_ranked.*,
        case
            when deliveries_ranked.event_id is null then 'missing_event_id'
            when deliveries_ranked.rank_within_event_id > 1 and deliveries_ranked.is_conflicting
                then 'conflicting_duplicate'
            when deliveries_ranked.rank_within_event_id > 1 then null
            when
                deliveries_ranked.event_at is null or deliveries_ranked.ingested_at is null
                then 'malformed_timestamp'
            -- Time bounds: nothing is received after this run started (plus
            -- the clock tolerance), or happened before the start of history.
            when deliveries_ranked.ingested_at > {{ ingestion_clock() }}
                + interval '{{ var("future_tolerance_seconds") }} seconds'
                then 'ingested_in_future'
            when
                least(deliveries_ranked.event_at, deliveries_ranked.ingested_at)
                < cast('{{ var("history_start") }}' as timestamp)
                then 'before_history_start'
            when
                deliveries_ranked.event_type is null
                or deliveries_ranked.event_type not in (
                    'impression', 'click', 'like', 'retweet', 'reply', 'profile_click',
                    'negative_feedback'
                )
                then 'unknown_event_type'
            when deliveries_ranked.raw_user_id is null then 'missing_user'
            when {{ raw_out_of_range('deliveries_ranked.raw_user_id', 'deliveries_ranked.user_id') }}
                then 'out_of_range:user_id'
            when {{ raw_out_of_range('deliveries_ranked.raw_tweet_id', 'deliveries_ranked.tweet_id') }}
                then 'out_of_range:tweet_id'
            when
                deliveries_ranked.user_id is null or deliveries_ranked.tweet_id is null
                then 'malformed_id'
            when {{ raw_out_of_range('deliveries_ranked.raw_position', 'deliveries_ranked.position') }}
                then 'out_of_range:position'
            when
                deliveries_ranked.position is null
                or deliveries_ranked.position < 0
                or deliveries_ranked.client is null
                or deliveries_ranked.client not in ('ios', 'android', 'web')
                then 'malformed_value'
            when users.user_id is null then 'unknown_user'
            when tweets.tweet_id is null then 'unknown_tweet'
            when
                deliveries_ranked.event_at
                > deliveries_ranked.ingested_at
                + interval '{{ var("future_tolerance_seconds") }} seconds'
                then 'future_timestamp'
            -- Allowed lateness (an ingestion-time watermark): received more
            -- than allowed_lateness_hours after it happened, too late to
            -- reopen its windows.
            when
                deliveries_ranked.event_at
                < deliveries_ranked.ingested_at
                - interval '{{ var("allowed_lateness_hours") }} hours'
                then 'too_late'
            when deliveries_ranked.event_at < tweets.created_at then 'before_tweet_created'
            when deliveries_ranked.event_at > tweets.deleted_at then 'deleted_tweet'
        end as quarantine_reason,
        case
            when deliveries_ranked.event_id is null then 'quarantined'
            when deliveries_ranked.rank_within_event_id > 1 and deliveries_ranked.is_conflicting
                then 'quarantined'
            when deliveries_ranked.rank_within_event_id > 1 then 'duplicate'
        end as status_before_checks
    from deliveries_ranked
    left join users
        on deliveries_ranked.user_id = users.user_id
    left join tweets
        on deliveries_ranked.tweet_id = tweets.tweet_id
),

final as (
    select
        raw_event_id,
        raw_event_ts,
        raw_ingested_at,
        raw_user_id,
        raw_tweet_id,
        raw_event_type,
        raw_position,
        raw_client,
        event_id,
        event_at,
        ingested_at,
        user_id,
        tweet_id,
        event_type,
        position,
        client,
        -- Rows without an event_id are not deliveries of any one event.
        case when event_id is not null then rank_within_event_id end as delivery_rank,
        quarantine_reason,
        coalesce(
            status_before_checks,
            case when quarantine_reason is null then 'clean' else 'quarantined' end
        ) as row_status,
        ingested_at
        >= event_at + interval '{{ var("late_arrival_minutes") }} minutes' as is_late_arrival,
        batch_id,
        -- Bookkeeping: the dbt invocation that (re)wrote this row; models
        -- downstream follow it as a change feed (macros/stream/stream_state.sql).
        '{{ invocation_id }}' as load_id
    from checked
)

select * from final
