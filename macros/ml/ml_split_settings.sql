{#- ml_split_settings(): the settings that shape the derived split, as one
    text ('name=value;...', SQL-quoted) that int_ml_time_windows records with
    the split: a recorded split is kept only while this text is unchanged, so
    changing a window setting or the raw data directory derives it anew. -#}
{% macro ml_split_settings() -%}
    {%- set parts = [] -%}
    {%- for name in [
        'label_horizon_hours', 'test_days', 'validation_days', 'eval_window_share',
        'negative_sampling', 'negative_sampling_max_impression_share', 'raw_data_dir',
    ] -%}
        {%- do parts.append(name ~ '=' ~ var(name, none)) -%}
    {%- endfor -%}
    {{- return(parts | join(';') | replace("'", "''")) -}}
{%- endmacro %}
