{#-
    Timestamp encodings of raw files (docs/raw_data_contract.md, "Timestamps").

    Real logs write time in several ways. Each raw timestamp column is read in
    ONE encoding per file: declared in the var `raw_timestamp_formats`, or else
    detected by stg_social__timestamp_formats (the encoding most of the
    column's values have). A value that does not parse in its column's encoding
    is malformed and its row is quarantined, so one stray format in a file
    never silently shifts or mixes instants.
-#}

{#- (table, column) of every raw timestamp column: the one list staging, detection and docs share. -#}
{% macro raw_timestamp_columns() -%}
    {{ return([
        ('users', 'signup_at'),
        ('tweets', 'created_at'),
        ('tweets', 'deleted_at'),
        ('follows', 'followed_at'),
        ('events', 'event_ts'),
        ('events', 'ingested_at'),
    ]) }}
{%- endmacro %}


{#- (encoding name, full-match grammar of its values). Order matters: a
    value is classified as the first encoding it matches (contract values are
    also valid ISO 8601, so contract is tried first), and ties in detection
    go to the earlier encoding. -#}
{% macro raw_timestamp_grammars() -%}
    {{ return([
        ('contract', '[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}[.][0-9]{3}'),
        ('iso8601', '[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}'
            ~ '([.][0-9]{1,9})?(Z|[+-][0-9]{2}:?[0-9]{2})?'),
        ('epoch_milliseconds', '-?[0-9]{12,14}'),
        ('epoch_seconds', '-?[0-9]{1,11}([.][0-9]{1,9})?'),
    ]) }}
{%- endmacro %}


{#- The grammar of encoding `format`; an unknown name stops the run saying which are allowed. -#}
{% macro raw_timestamp_grammar(format) -%}
    {%- set names = [] -%}
    {%- for name, grammar in raw_timestamp_grammars() -%}
        {%- if name == format -%}{{- return(grammar) -}}{%- endif -%}
        {%- do names.append(name) -%}
    {%- endfor -%}
    {{- exceptions.raise_compiler_error(
        "Unknown raw timestamp format '" ~ format ~ "' (var raw_timestamp_formats); use auto or one of: "
        ~ names | join(', ') ~ " (docs/raw_data_contract.md)."
    ) -}}
{%- endmacro %}


{#- The encoding `value` (raw text, nulls stay null) is written in, or 'unrecognised'. -#}
{% macro classify_raw_timestamp(value) -%}
    case
        when {{ value }} is null then null
    {%- for name, grammar in raw_timestamp_grammars() %}
        when {{ regex_full_match(value, grammar) }} then '{{ name }}'
    {%- endfor %}
        else 'unrecognised'
    end
{%- endmacro %}


{#- The typed timestamp of raw column `column` of raw table `table`, in the
    column's declared or detected encoding; null when the value does not parse. -#}
{% macro raw_timestamp(table, column) -%}
    {{ parse_raw_timestamp(column, raw_timestamp_format(table, column)) }}
{%- endmacro %}


{#- The encoding of a raw column: declared (var raw_timestamp_formats, keys
    '<table>.<column>', '<table>' or '*'; 'auto' means detect) or detected. -#}
{% macro raw_timestamp_format(table, column) -%}
    {%- set declared = raw_timestamp_declared_format(table, column) -%}
    {%- if declared != 'auto' -%}
        {{- return(declared) -}}
    {%- endif -%}
    {{- return(detected_raw_format(
        'stg_social__timestamp_formats',
        "source_table = '" ~ table ~ "' and column_name = '" ~ column ~ "'",
        'contract'
    )) -}}
{%- endmacro %}


{#- The chosen_format that detection model `detection_model` recorded for the row
    matching `condition`, or `fallback` when there is nothing to read yet:
    parsing, linting and unit tests have no data, and the model may not be built. -#}
{% macro detected_raw_format(detection_model, condition, fallback) -%}
    {%- if not execute or (model is defined and model.resource_type == 'unit_test') -%}
        {{- return(fallback) -}}
    {%- endif -%}
    {%- set detected = ref(detection_model) -%}
    {%- if load_relation(detected) is none -%}
        {{- return(fallback) -}}
    {%- endif -%}
    {%- set result = run_query(
        'select chosen_format from ' ~ detected ~ ' where ' ~ condition ~ ' limit 1'
    ) -%}
    {{- return(result.columns[0].values()[0] if result.rows | length > 0 else fallback) -}}
{%- endmacro %}


{#- The declared encoding of a column: 'auto' when none is declared. (A name
    that is not an encoding is refused by raw_timestamp_grammar.) -#}
{% macro raw_timestamp_declared_format(table, column) -%}
    {%- set declared = var('raw_timestamp_formats', {}) -%}
    {%- if declared is not mapping -%}{%- set declared = {} -%}{%- endif -%}
    {{- return(declared.get(table ~ '.' ~ column, declared.get(table, declared.get('*', 'auto')))) -}}
{%- endmacro %}


{#- A timestamp (UTC, no zone) parsed from raw column `column` written in
    `format`, or null when the text does not have that encoding. -#}
{% macro parse_raw_timestamp(column, format='contract') -%}
    {{ return(adapter.dispatch('parse_raw_timestamp', 'social_ml')(column, format)) }}
{%- endmacro %}

{% macro duckdb__parse_raw_timestamp(column, format='contract') -%}
    {%- set text = raw_text(column) -%}
    {%- set grammar = raw_timestamp_grammar(format) -%}
    {%- if format == 'contract' -%}
        {#- The grammar first: strptime alone lets trailing and embedded
            whitespace (a tab, CR, LF) through. -#}
        case
            when {{ regex_full_match(text, grammar) }}
                then try_strptime({{ text }}, '%Y-%m-%d %H:%M:%S.%g')
        end
    {%- elif format == 'iso8601' -%}
        {#- A value without a zone is UTC: an explicit +00:00 keeps the session's time zone out of it. -#}
        case
            when {{ regex_full_match(text, grammar) }}
                then cast(
                    timezone(
                        'UTC',
                        try_cast(
                            {{ text }} || case
                                when regexp_matches({{ text }}, '(Z|[+-][0-9]{2}:?[0-9]{2})$') then ''
                                else '+00:00'
                            end as timestamptz
                        )
                    ) as timestamp
                )
        end
    {%- elif format == 'epoch_milliseconds' -%}
        case
            when {{ regex_full_match(text, grammar) }}
                then make_timestamp(cast({{ text }} as bigint) * 1000)
        end
    {%- elif format == 'epoch_seconds' -%}
        case
            when {{ regex_full_match(text, grammar) }}
                then make_timestamp(cast(round(cast({{ text }} as decimal(21, 9)) * 1000000) as bigint))
        end
    {%- endif -%}
{%- endmacro %}

{#- Spark: the session time zone is UTC (profiles.yml), so a timestamp there is
    the same UTC wall-clock time as DuckDB's. -#}
{% macro spark__parse_raw_timestamp(column, format='contract') -%}
    {%- set text = raw_text(column) -%}
    {%- set grammar = raw_timestamp_grammar(format) -%}
    case
        when {{ regex_full_match(text, grammar) }} then
    {%- if format == 'contract' %}
            try_to_timestamp({{ text }}, 'yyyy-MM-dd HH:mm:ss.SSS')
    {%- elif format == 'iso8601' %}
            try_cast(
                {{ text }} || case when {{ text }} rlike '(Z|[+-][0-9]{2}:?[0-9]{2})\\z' then '' else '+00:00' end
                as timestamp
            )
    {%- elif format == 'epoch_milliseconds' %}
            timestamp_millis(cast({{ text }} as bigint))
    {%- elif format == 'epoch_seconds' %}
            timestamp_micros(cast(round(cast({{ text }} as decimal(21, 9)) * 1000000) as bigint))
    {%- endif %}
    end
{%- endmacro %}
