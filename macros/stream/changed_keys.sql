{#-
    The stream's change feed by key: which users and tweets each run changed.

    stream_state.changed_keys holds (model_name, load_id, key_kind, key_id):
    model_name changed the rows of key_id (a user_id or a tweet_id) in the run
    load_id (the dbt invocation id, as on the staged events). The staged
    events log the users and tweets of every row they (re)write;
    int_users_bot_flagged logs the users whose flag moved; a keyed
    incremental model logs the keys it recomputes, for its own children.

    A keyed incremental model (fct_engagements, feat_user_daily, ...) folds a
    batch in with two hooks and one filter:
      - pre-hook stream_claim_keys: the keys its parents changed in loads it
        has not absorbed are claimed (logged under its own name for this run)
        and their rows deleted;
      - its SQL keeps only claimed keys (stream_claimed_keys) when
        stream_folds_changes(), so every claimed key is recomputed from all
        of its input rows, the same rows a full refresh would read;
      - post-hook stream_mark_absorbed(parents): the loads read are absorbed.
    Recomputing a key whole is idempotent, so a run that fails half way is
    redone by the next. A full build logs nothing: build a stream model's
    descendants with it (`dbt build --full-refresh -s model+`), as a first
    build does.
-#}

{% macro stream_changed_keys_relation() -%}
    {{- return('stream_state.changed_keys') -}}
{%- endmacro %}


{#- Whether this run folds changes into the existing table: incremental, from a
    landing zone. Otherwise the model is built from all of its input. -#}
{% macro stream_folds_changes() -%}
    {{- return(execute and raw_events_are_batches() and is_incremental()) -}}
{%- endmacro %}


{#- SQL, one column key_id: the keys of `key_kind` that `parents` (model names)
    changed in loads this model has not absorbed. -#}
{% macro stream_parent_changes(key_kind, parents) -%}
    (
        select distinct changes.key_id
        from {{ stream_changed_keys_relation() }} as changes
        where
            changes.key_kind = '{{ key_kind }}'
            and changes.model_name in ('{{ parents | join("', '") }}')
            and changes.load_id not in (
                select absorbed.load_id from {{ stream_state_relation() }} as absorbed
                where absorbed.model_name = '{{ this.identifier }}'
            )
    )
{%- endmacro %}


{#- SQL, one column key_id: the keys of `key_kind` this run claimed for this model. -#}
{% macro stream_claimed_keys(key_kind) -%}
    (
        select claimed.key_id
        from {{ stream_changed_keys_relation() }} as claimed
        where
            claimed.model_name = '{{ this.identifier }}'
            and claimed.load_id = '{{ invocation_id }}'
            and claimed.key_kind = '{{ key_kind }}'
    )
{%- endmacro %}


{#- Statement: log the keys (SQL with one column key_id) as changed by this model in this run. -#}
{% macro stream_log_changed_keys(key_kind, keys) -%}
    insert into {{ stream_changed_keys_relation() }} (model_name, load_id, key_kind, key_id)
    select distinct '{{ this.identifier }}', '{{ invocation_id }}', '{{ key_kind }}', logged.key_id
    from {{ keys }} as logged
    where logged.key_id is not null
{%- endmacro %}


{#- pre-hook: claim the changed keys (SQL with one column key_id) and delete their rows. -#}
{% macro stream_claim_keys(key_kind, key_column, changes) -%}
    {%- if stream_folds_changes() -%}
        {%- set statements -%}
            {{ stream_log_changed_keys(key_kind, changes) }};
            {{ delete_rows(this, key_column ~ ' in ' ~ stream_claimed_keys(key_kind)) }}
        {%- endset -%}
        {{ run_statements(statements) }}
    {%- endif -%}
{%- endmacro %}


{#- SQL predicate: `key_expr` is a claimed key, or true when this run builds from all input. -#}
{% macro stream_keep_claimed(key_kind, key_expr) -%}
    {{- return(
        key_expr ~ ' in ' ~ stream_claimed_keys(key_kind) if stream_folds_changes() else 'true'
    ) -}}
{%- endmacro %}


{#- The config of a keyed incremental model: `{{ config(**stream_keyed_incremental(
    'user', 'user_id', ['stg_social__events_validated'])) }}`. Append after the
    pre-hook's delete. `extra_changes` names a macro that, given the parents'
    changes (SQL, one column key_id), returns more keys to claim: those a change
    reaches beyond the keys it names. -#}
{% macro stream_keyed_incremental(key_kind, key_column, parents, extra_changes=none) -%}
    {%- set changes = "stream_parent_changes('" ~ key_kind ~ "', " ~ parents ~ ")" -%}
    {%- if extra_changes -%}
        {%- set changes = "'(select key_id from ' ~ " ~ changes ~ " ~ ' as named union "
            ~ "select key_id from ' ~ " ~ extra_changes ~ "(" ~ changes ~ ") ~ ' as reached)'" -%}
    {%- endif -%}
    {{- return(stream_incremental_config(
        "{{ stream_claim_keys('" ~ key_kind ~ "', '" ~ key_column ~ "', " ~ changes ~ ") }}",
        '{{ stream_mark_absorbed(' ~ parents ~ ') }}',
    )) -}}
{%- endmacro %}


{#- The config every incremental stream model shares: append after its pre-hooks
    (a rebuild outside a landing zone, then `claim_hook`, which deletes what the
    run recomputes), tagged `stream`; `post_hook` records what it absorbed. -#}
{% macro stream_incremental_config(claim_hook, post_hook) -%}
    {{- return({
        'materialized': 'incremental',
        'tags': ['stream'],
        'incremental_strategy': 'append',
        'on_schema_change': 'fail',
        'pre_hook': ['{{ stream_rebuild_unless_landing() }}', claim_hook],
        'post_hook': post_hook,
    }) -}}
{%- endmacro %}
