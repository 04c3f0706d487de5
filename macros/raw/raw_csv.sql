{#-
    Raw CSV files are read in one declared dialect, never sniffed
    (docs/raw_data_contract.md, "CSV dialect"): RFC 4180 (comma-separated, a
    field holding a comma, quote or line break in double quotes, a quote inside
    one doubled), a header row of column names, UTF-8 with or without a BOM,
    LF or CRLF line ends, lines up to var raw_csv_max_line_bytes. Sniffing
    guessed the quote from the first 20,480 rows (a file whose first quoted
    field came later failed), took a row starting with '#' for a comment and
    dropped it, and mangled a carriage return inside a quoted value.
-#}

{#- The header's column names, read from the file's first line as plain text. -#}
{% macro raw_csv_columns(path) -%}
    {%- set line = adapter.dispatch('raw_csv_first_line', 'social_ml')(path) or '' -%}
    {%- set names = [] -%}
    {%- for field in line.split(',') -%}
        {%- set name = field.strip().strip('"').strip() -%}
        {%- if not modules.re.fullmatch('[A-Za-z_][A-Za-z0-9_]*', name) -%}
            {{- exceptions.raise_compiler_error(
                "Raw input " ~ path ~ " line 1 must be the header: comma-separated column names"
                ~ " (letters, digits, _), got " ~ (line[:200] | tojson)
                ~ ". Write the header row first (docs/raw_data_contract.md, CSV dialect)."
            ) -}}
        {%- endif -%}
        {%- do names.append(name) -%}
    {%- endfor -%}
    {{- return(names) -}}
{%- endmacro %}


{#- The first line of the file at `path` (none when it is empty), a BOM dropped. -#}
{% macro default__raw_csv_first_line(path) -%}
    {%- set first_line = run_query(
        "select header_line from read_csv(" ~ raw_path_literal(path) ~ ", header = false,"
        ~ " auto_detect = false, delim = '\x1f', quote = '', escape = '',"
        ~ " columns = {'header_line': 'VARCHAR'}, max_line_size = " ~ _raw_csv_max_line_bytes()
        ~ ") limit 1"
    ) -%}
    {{- return(first_line.rows[0][0] if first_line.rows | length > 0 else none) -}}
{%- endmacro %}

{% macro spark__raw_csv_first_line(path) -%}
    {%- set first_line = run_query('select value from text.`' ~ path | replace('`', '``') ~ '` limit 1') -%}
    {{- return(first_line.rows[0][0] if first_line.rows | length > 0 else none) -}}
{%- endmacro %}


{#- A table expression reading `path` (or a list of paths sharing the first
    one's header) in the dialect, every column as text. -#}
{% macro raw_csv_read(path, extra_options='') -%}
    {%- set columns = [] -%}
    {%- for name in raw_csv_columns(path if path is string else path[0]) -%}
        {%- do columns.append("'" ~ name ~ "': 'VARCHAR'") -%}
    {%- endfor -%}
    {{- return(
        'read_csv(' ~ raw_path_literal(path) ~ ", header = true, auto_detect = false,"
        ~ " delim = ',', quote = '\"', escape = '\"', encoding = 'utf-8', strict_mode = true,"
        ~ ' max_line_size = ' ~ _raw_csv_max_line_bytes()
        ~ ', columns = {' ~ columns | join(', ') ~ '}' ~ extra_options ~ ')'
    ) -}}
{%- endmacro %}


{#- Stop, naming the file, the line and what is wrong, when `path` breaks the
    dialect anywhere (one extra pass over the file, with DuckDB's rejects
    tables); renders nothing when it reads cleanly. -#}
{% macro raw_csv_check(path, identifier) -%}
    {{- return(adapter.dispatch('raw_csv_check', 'social_ml')(path, identifier)) -}}
{%- endmacro %}

{% macro default__raw_csv_check(path, identifier) -%}
    {%- set errors = 'raw_csv_errors_' ~ identifier -%}
    {%- set scans = 'raw_csv_scans_' ~ identifier -%}
    {%- do run_query('drop table if exists ' ~ errors) -%}
    {%- do run_query('drop table if exists ' ~ scans) -%}
    {%- do run_query('select count(*) from ' ~ raw_csv_read(
        path,
        ", store_rejects = true, rejects_table = '" ~ errors ~ "', rejects_scan = '" ~ scans ~ "'",
    )) -%}
    {%- set found = run_query(
        'select line, error_message, left(csv_line, 200) from ' ~ errors ~ ' order by line limit 3'
    ) -%}
    {%- set total = run_query('select count(*) from ' ~ errors).rows[0][0] -%}
    {%- do run_query('drop table if exists ' ~ errors) -%}
    {%- do run_query('drop table if exists ' ~ scans) -%}
    {%- if total == 0 -%}{{ return('') }}{%- endif -%}
    {%- set shown = [] -%}
    {%- for row in found.rows -%}
        {%- do shown.append('line ' ~ row[0] ~ ': ' ~ row[1] ~ ' ' ~ (row[2] | tojson)) -%}
    {%- endfor -%}
    {{- exceptions.raise_compiler_error(
        'Raw input ' ~ path ~ ' is not readable as the raw files\' CSV dialect: ' ~ total
        ~ ' error(s), ' ~ shown | join('; ') ~ '. The dialect is RFC 4180: comma-separated,'
        ~ ' a field holding a comma, quote or line break in double quotes, a quote inside it'
        ~ ' doubled (""), every line with the header\'s number of fields, UTF-8, lines up to '
        ~ _raw_csv_max_line_bytes() ~ ' bytes (var raw_csv_max_line_bytes). Fix the file'
        ~ ' there (Python\'s csv module and pandas.to_csv write this dialect), or give'
        ~ ' raw_<table>.parquet instead (docs/raw_data_contract.md, CSV dialect).'
    ) -}}
{%- endmacro %}


{% macro _raw_csv_max_line_bytes() -%}
    {{- return(var('raw_csv_max_line_bytes', 16777216) | int) -}}
{%- endmacro %}
