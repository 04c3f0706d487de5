{#-
    Seeds on Spark. dbt-spark's session connection puts a seed's values into the
    INSERT with Python's % operator: an empty cell arrives as the text 'None' (on
    the sample, 5,812 of raw_tweets' 6,000 deleted_at and 857 events' user_id), and a
    quote inside a cell would end the literal. Every seed column here is text
    (dbt_project.yml column_types), so each cell is written as an escaped Spark
    string literal, or null, exactly as the CSV has it.
-#}
{% macro spark__load_csv_rows(model, agate_table) -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
        {%- set rows = [] -%}
        {%- for row in chunk -%}
            {%- set cells = [] -%}
            {%- for cell in row -%}
                {%- do cells.append(spark_text_literal(cell)) -%}
            {%- endfor -%}
            {%- do rows.append('(' ~ cells | join(', ') ~ ')') -%}
        {%- endfor -%}
        {%- set sql = 'insert into ' ~ this.render() ~ ' values ' ~ rows | join(',\n') -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- if loop.first -%}{%- do statements.append(sql) -%}{%- endif -%}
    {%- endfor -%}
    {{- return(statements[0] if statements else '') -}}
{%- endmacro %}


{#- A Spark string literal of `value` (backslash and quote escaped), or null. -#}
{% macro spark_text_literal(value) -%}
    {%- if value is none -%}
        null
    {%- else -%}
        '{{ value | string | replace("\\", "\\\\") | replace("'", "\\'") }}'
    {%- endif -%}
{%- endmacro %}
