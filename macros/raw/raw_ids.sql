{#-
    Ids of raw files: whole numbers (the contract's default) or text such as
    hashes and UUIDs. Each id space (users, tweets) is read one way for the
    whole run: declared in the var `raw_id_formats`, or else detected by
    stg_social__id_formats from the table that owns the ids (raw_users.user_id,
    raw_tweets.tweet_id). Text ids become bigint surrogates (the first 60 bits
    of the text's MD5), so every join, feature and model downstream is unchanged; the
    original text stays in dim_users.user_key and dim_tweets.tweet_key.
-#}

{#- The id space -> (owning raw table, column). -#}
{% macro raw_id_spaces() -%}
    {{ return([('user', 'users', 'user_id'), ('tweet', 'tweets', 'tweet_id')]) }}
{%- endmacro %}


{#- The bigint id of raw column `column` in id space `space` ('user' or 'tweet'),
    or null when it is empty or (integer ids) not a whole number. -#}
{% macro raw_id(space, column) -%}
    {%- if raw_id_format(space) == 'text' -%}
        {{ raw_text_id_hash(raw_text(column)) }}
    {%- else -%}
        {{ parse_raw_bigint(column) }}
    {%- endif -%}
{%- endmacro %}


{#- A stable, non-negative bigint for a text id (collisions: see stg_social__id_formats),
    null for a null (hash functions give null a value of its own: a missing author
    would otherwise become one shared author). md5_bigint gives the same surrogate
    on every engine; the text stays in the *_key columns. -#}
{% macro raw_text_id_hash(text) -%}
    case when {{ text }} is not null then {{ md5_bigint(text) }} end
{%- endmacro %}


{#- 'integer' or 'text': declared (var raw_id_formats, keys 'user', 'tweet' or '*')
    or detected (stg_social__id_formats). -#}
{% macro raw_id_format(space) -%}
    {%- set declared = raw_id_declared_format(space) -%}
    {%- if declared != 'auto' -%}
        {{- return(declared) -}}
    {%- endif -%}
    {{- return(detected_raw_format(
        'stg_social__id_formats', "id_space = '" ~ space ~ "'", 'integer'
    )) -}}
{%- endmacro %}


{#- The declared id format of a space: 'auto' when none is declared; another
    name than auto, integer or text stops the run naming the allowed ones. -#}
{% macro raw_id_declared_format(space) -%}
    {%- set declared = var('raw_id_formats', {}) -%}
    {%- if declared is not mapping -%}{%- set declared = {} -%}{%- endif -%}
    {%- set chosen = declared.get(space, declared.get('*', 'auto')) -%}
    {%- if chosen not in ['auto', 'integer', 'text'] -%}
        {{- exceptions.raise_compiler_error(
            "var raw_id_formats gives '" ~ chosen ~ "' for " ~ space
            ~ " ids; use auto, integer or text (docs/raw_data_contract.md)."
        ) -}}
    {%- endif -%}
    {{- return(chosen) -}}
{%- endmacro %}
