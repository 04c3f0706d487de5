{#-
    Typing helpers for raw text columns. Raw files carry every dirty column as
    text (docs/raw_data_contract.md); staging types them with these macros so a
    bad value becomes null (and the row goes to quarantine) instead of failing
    the query. Engine-specific syntax sits behind adapter.dispatch: DuckDB is
    implemented here; another engine adds its own `<adapter>__` macro.
-#}

{#- Trimmed text, with blanks as null: raw CSVs write a missing value as ''. -#}
{% macro raw_text(column) -%}
    {{ return(adapter.dispatch('raw_text', 'social_ml')(column)) }}
{%- endmacro %}

{% macro default__raw_text(column) -%}
    nullif(trim(cast({{ column }} as string)), '')
{%- endmacro %}

{#- Spark's trim() removes only the ASCII space; DuckDB's removes every Unicode
    space separator (category Zs: U+00A0, U+3000, ...), and so does this. -#}
{% macro spark__raw_text(column) -%}
    nullif(regexp_replace(cast({{ column }} as string), '^\\p{Zs}+|\\p{Zs}+$', ''), '')
{%- endmacro %}

{#- DuckDB's trim() decodes every character to find Unicode spaces, and staging
    trims each raw column of every row (about a fifth of the events model's time
    at 10M events). A value that is pure ASCII (as many bytes as characters)
    and neither starts nor ends with a space is returned as is: the only ASCII
    character trim() removes is the space, so the result is the same. -#}
{% macro duckdb__raw_text(column) -%}
    {%- set text = 'cast(' ~ column ~ ' as string)' -%}
    nullif(
        case
            when {{ text }} like ' %' or {{ text }} like '% ' or strlen({{ text }}) <> length({{ text }})
                then trim({{ text }})
            else {{ text }}
        end,
        ''
    )
{%- endmacro %}


{#- An ISO-8601 UTC timestamp with a Z suffix (app log lines) or null. -#}
{% macro parse_iso_timestamp(column) -%}
    {{ return(adapter.dispatch('parse_iso_timestamp', 'social_ml')(column)) }}
{%- endmacro %}

{% macro duckdb__parse_iso_timestamp(column) -%}
    try_strptime({{ column }}, ['%Y-%m-%dT%H:%M:%S.%fZ', '%Y-%m-%dT%H:%M:%SZ'])
{%- endmacro %}


{% macro spark__parse_iso_timestamp(column) -%}
    case
        when {{ regex_full_match(column, '[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}([.][0-9]{1,6})?Z') }}
            then try_to_timestamp({{ column }}, "yyyy-MM-dd'T'HH:mm:ss[.SSSSSS]'Z'")
    end
{%- endmacro %}


{#- A whole number of SQL type `sql_type` (bigint, integer), or null: when
    empty, not digits only ('1.0' and '1e3' are not whole numbers: a plain cast
    would round them), or out of the type's range (raw_out_of_range tells that
    apart). Never raises, whatever the text. -#}
{% macro parse_raw_integer(column, sql_type='bigint') -%}
    {{ return(adapter.dispatch('parse_raw_integer', 'social_ml')(column, sql_type)) }}
{%- endmacro %}

{% macro duckdb__parse_raw_integer(column, sql_type='bigint') -%}
    case
        when regexp_full_match({{ raw_text(column) }}, '-?[0-9]+')
            then try_cast({{ raw_text(column) }} as {{ sql_type }})
    end
{%- endmacro %}


{% macro spark__parse_raw_integer(column, sql_type='bigint') -%}
    case
        when {{ regex_full_match(raw_text(column), '-?[0-9]+') }}
            then try_cast({{ raw_text(column) }} as {{ sql_type }})
    end
{%- endmacro %}


{#- A whole-number id as bigint, or null (parse_raw_integer). -#}
{% macro parse_raw_bigint(column) -%}
    {{ parse_raw_integer(column, 'bigint') }}
{%- endmacro %}


{#- True when the text `raw_expr` is a whole number that parsed to null
    (`parsed_expr`): too large for its type, so quarantined as
    out_of_range:<column> rather than malformed. -#}
{% macro raw_out_of_range(raw_expr, parsed_expr) -%}
    ({{ parsed_expr }} is null and coalesce({{ regex_full_match(raw_expr, '-?[0-9]+') }}, false))
{%- endmacro %}


{#- A boolean written true/false (any case), 1/0 or t/f; anything else is null. -#}
{% macro parse_raw_boolean(column) -%}
    case lower({{ raw_text(column) }})
        when 'true' then true
        when 't' then true
        when '1' then true
        when 'false' then false
        when 'f' then false
        when '0' then false
    end
{%- endmacro %}


{#- Does `column` match the regular expression `pattern` in full? -#}
{% macro regex_full_match(column, pattern) -%}
    {{ return(adapter.dispatch('regex_full_match', 'social_ml')(column, pattern)) }}
{%- endmacro %}

{% macro duckdb__regex_full_match(column, pattern) -%}
    regexp_full_match({{ column }}, '{{ pattern }}')
{%- endmacro %}


{#- Java's `$` also matches before a final line break: `\\z` is the true end. -#}
{% macro spark__regex_full_match(column, pattern) -%}
    ({{ column }} rlike '^(?:{{ pattern }})\\z')
{%- endmacro %}


{#- Capture group `group` of `pattern` in `column`, or null when it does not match. -#}
{% macro regex_extract(column, pattern, group=1) -%}
    {{ return(adapter.dispatch('regex_extract', 'social_ml')(column, pattern, group)) }}
{%- endmacro %}

{% macro duckdb__regex_extract(column, pattern, group=1) -%}
    nullif(regexp_extract({{ column }}, '{{ pattern }}', {{ group }}), '')
{%- endmacro %}

{#- The project's patterns use `$` only as an anchor: Java's would also match
    before a final line break, `\z` only at the very end (as RE2's `$`). -#}
{% macro spark__regex_extract(column, pattern, group=1) -%}
    nullif(regexp_extract({{ column }}, '{{ pattern | replace('$', '\\\\z') }}', {{ group }}), '')
{%- endmacro %}
