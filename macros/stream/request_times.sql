{#-
    The point-in-time chain (int_pit_activity_counts, int_point_in_time_features,
    feat_training_set) folds a batch in by request time, not by key.

    A request (user, tweet, time T) reads only activity strictly before T, and
    its label the engagements in [T, T + label horizon]; so an event that
    changes at time t can reach only the requests at or after t - horizon.
    stream_state.changed_times holds, per (model_name, load_id), the earliest
    event time that load changed in that model's rows:
      - stg_social__events_validated logs the rows it (re)writes and those a
        backfill deletes;
      - int_users_bot_flagged logs the earliest bot_since_at, old or new, of
        the users whose flag moved (an event's bot status moves only from
        there on: flags are point in time).
    Each model of the chain then:
      - pre-hook stream_claim_requests: deletes its rows at or after the
        recompute time (the earliest unabsorbed change minus the horizon),
        and those whose request is gone or moved to another time (a request
        set of its own: the serving as-of time follows the data, the label
        cutoff lets in new impressions, negative sampling can switch);
      - computes the requests missing from its table (stream_keep_missing):
        the same rows a full refresh computes for them, from all history;
      - post-hook stream_mark_absorbed plus stream_mark_windows: when the
        split is recorded anew (int_ml_time_windows.recorded_at moves), every
        row's split and label may change, and the next run recomputes all.
    Requests are many (one per impression): a key change log would not fit,
    and the time bound is what lets int_pit_activity_counts add counts
    aggregated before the earliest missing request to running counts over the
    rest (int_pit_activity_counts).
-#}

{% macro stream_changed_times_relation() -%}
    {{- return('stream_state.changed_times') -}}
{%- endmacro %}


{#- The models whose changed times the point-in-time chain folds in. -#}
{% macro stream_request_time_sources() -%}
    {{- return(['stg_social__events_validated', 'int_users_bot_flagged']) -}}
{%- endmacro %}


{#- Statement: log the earliest of `times` (SQL with one timestamp column
    changed_at) as changed by this model in this run. -#}
{% macro stream_log_changed_time(times) -%}
    insert into {{ stream_changed_times_relation() }} (model_name, load_id, changed_from_at)
    select '{{ this.identifier }}', '{{ invocation_id }}', min(logged.changed_at)
    from {{ times }} as logged
    having min(logged.changed_at) is not null
{%- endmacro %}


{#- SQL predicate on `windows` (int_ml_time_windows): this model has not been
    built since the split was recorded (or has never been). -#}
{% macro stream_windows_unseen(windows) -%}
    'windows:' || cast({{ windows }}.recorded_at as string) not in (
        select absorbed.load_id from {{ stream_state_relation() }} as absorbed
        where absorbed.model_name = '{{ this.identifier }}'
    )
{%- endmacro %}


{#- SQL, one timestamp (null when nothing changed): the earliest request time a
    change this model has not absorbed can reach. -#}
{% macro stream_request_recompute_from() -%}
    (
        select
            case
                when {{ stream_windows_unseen('windows') }} then cast('0001-01-01' as timestamp)
                else {{ ml_dateadd('hour', '-windows.label_horizon_hours', 'changes.changed_from_at') }}
            end
        from {{ ref('int_ml_time_windows') }} as windows
        left join (
            select min(changed.changed_from_at) as changed_from_at
            from {{ stream_changed_times_relation() }} as changed
            where
                changed.model_name in ('{{ stream_request_time_sources() | join("', '") }}')
                and changed.load_id not in (
                    select absorbed.load_id from {{ stream_state_relation() }} as absorbed
                    where absorbed.model_name = '{{ this.identifier }}'
                )
        ) as changes on true
    )
{%- endmacro %}


{#- SQL, request_id and request_at: the current requests (int_feature_requests), of `kinds` if given. -#}
{% macro stream_current_requests(kinds=none) -%}
    {%- set kind_filter = "where request_kind in ('" ~ kinds | join("', '") ~ "')" if kinds else '' -%}
    (
        select request_id, request_at from {{ ref('int_feature_requests') }} {{ kind_filter }}
    )
{%- endmacro %}


{#- pre-hook: delete the rows to recompute: at or after the recompute time, or
    whose request (of `kinds`) is gone or moved. -#}
{% macro stream_claim_requests(kinds=none, id_column='request_id', time_column='request_at') -%}
    {%- if stream_folds_changes() -%}
        {%- set recomputed -%}
            kept.{{ time_column }} >= {{ stream_request_recompute_from() }}
            or not exists (
                select 1 from {{ stream_current_requests(kinds) }} as current_requests
                where
                    current_requests.request_id = kept.{{ id_column }}
                    and current_requests.request_at = kept.{{ time_column }}
            )
        {%- endset -%}
        {{ run_statements(delete_rows(this, recomputed, alias='kept')) }}
    {%- endif -%}
{%- endmacro %}


{#- SQL predicate: the request (`id_expr`, `time_expr`: qualified column
    references) has no row in this table yet, or true when this run builds
    from all input. -#}
{% macro stream_keep_missing(id_expr, time_expr, id_column='request_id', time_column='request_at') -%}
    {%- if stream_folds_changes() -%}
        not exists (
            select 1 from {{ this }} as kept
            where kept.{{ id_column }} = {{ id_expr }} and kept.{{ time_column }} = {{ time_expr }}
        )
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}


{#- post-hook: this model has been built with the split recorded now. -#}
{% macro stream_mark_windows() -%}
    insert into {{ stream_state_relation() }} (model_name, load_id, absorbed_at)
    select '{{ this.identifier }}', 'windows:' || cast(windows.recorded_at as string), now()::timestamp
    from {{ ref('int_ml_time_windows') }} as windows
    where {{ stream_windows_unseen('windows') }}
{%- endmacro %}


{#- The config of a point-in-time model: `{{ config(**stream_request_incremental()) }}`;
    `kinds` are the request kinds it holds (all when none), `id_column` and
    `time_column` its names for request_id and request_at. The model refs
    int_feature_requests and int_ml_time_windows (a `depends_on` comment will do). -#}
{% macro stream_request_incremental(kinds=none, id_column='request_id', time_column='request_at') -%}
    {{- return(stream_incremental_config(
        '{{ stream_claim_requests(' ~ kinds ~ ', "' ~ id_column ~ '", "' ~ time_column ~ '") }}',
        ['{{ stream_mark_absorbed(stream_request_time_sources()) }}', '{{ stream_mark_windows() }}'],
    )) -}}
{%- endmacro %}
