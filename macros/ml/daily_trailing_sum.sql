{#-
    daily_trailing_sum(column, first, last, partition_by, order_by, frame_columns):
    one window expression (alias it yourself): the sum of `column` over the
    rows `first` .. `last` before the current one (0 = the current row) within
    `partition_by` ordered by `order_by`. NULLs count as 0 and an empty frame
    (the first rows of a partition) sums to 0, so the result is never NULL.

    ROWS frames: on a daily table that is dense within runs of days (one row
    per key per day, no gaps within a run: int_user_activity_daily's unique
    and contiguous_dates tests) and whose runs end with as many zero days as
    the widest frame reaches back (ml_daily_calendar_tail_days), "6 .. 0 rows
    before" is exactly "the 7 days ending today": the same sums a RANGE frame
    over the day would give, at a fraction of the cost.

    `frame_columns` lists every column the caller sums over this same frame
    (`column` among them). It does not change the result; it lets an engine
    share one window aggregate between them (see the DuckDB version). Pass the
    same list, in the same order, in every call for that frame.

    A single-row frame (first = last > 0) is a lag, read with lag() in every
    engine: a value function, far cheaper than a framed aggregate.
-#}
{% macro daily_trailing_sum(column, first, last, partition_by, order_by, frame_columns=none) -%}
    {{ return(adapter.dispatch('daily_trailing_sum', 'social_ml')(
        column, first, last, partition_by, order_by, frame_columns or [column]
    )) }}
{%- endmacro %}

{#- The frame clause, and the guard every version applies to its arguments. -#}
{% macro daily_frame_clause(first, last) -%}
    {%- if first < last or last < 0 -%}
        {{ exceptions.raise_compiler_error(
            'daily_trailing_sum: need first >= last >= 0, got ' ~ first ~ ', ' ~ last
        ) }}
    {%- endif -%}
    rows between {{ first }} preceding and
    {%- if last == 0 %} current row{% else %} {{ last }} preceding{% endif -%}
{%- endmacro %}

{#- Any SQL engine: one window aggregate per column. -#}
{% macro default__daily_trailing_sum(column, first, last, partition_by, order_by, frame_columns) -%}
    {%- if first == last and last > 0 -%}
        coalesce(lag({{ column }}, {{ last }}) over (
            partition by {{ partition_by }} order by {{ order_by }}
        ), 0)
    {%- else -%}
        coalesce(sum({{ column }}) over (
            partition by {{ partition_by }} order by {{ order_by }} {{ daily_frame_clause(first, last) }}
        ), 0)
    {%- endif -%}
{%- endmacro %}

{#-
    DuckDB: a framed aggregate costs about the same whatever it adds up (each
    builds its own segment tree), so the columns of one frame are packed four
    to a HUGEINT, 31 bits each (column k of a chunk shifted left by
    31 * (chunk size - 1 - k)); ONE sum per chunk is taken over the frame and
    each column's field is shifted back out. DuckDB computes identical window
    expressions once, so the four callers of a chunk share its aggregate.
    Exact by construction: a field cannot carry into the next while the frame's
    sum stays below 2^31, so each value is cast to UINTEGER (fails the query
    on a negative value, which would borrow across fields) and to
    DECIMAL(d, 0) with the most digits d such that a frame of d-digit values
    still fits in 31 bits (d = 7, i.e. up to 9,999,999 a day, for 28 rows;
    8 for 7 rows): a larger value fails the query with a conversion error
    instead of giving a wrong sum. (Casts, unlike error(), keep identical
    expressions identical, so the aggregate stays shared.) A chunk of one
    column, or a frame too long for one digit, is summed as is.
-#}
{% macro duckdb__daily_trailing_sum(column, first, last, partition_by, order_by, frame_columns) -%}
    {%- set width = 31 -%}
    {%- set per_chunk = 4 -%}
    {%- if column not in frame_columns -%}
        {{ exceptions.raise_compiler_error(
            'daily_trailing_sum: ' ~ column ~ ' is not in frame_columns ' ~ frame_columns
        ) }}
    {%- endif -%}
    {%- set rows = first - last + 1 -%}
    {%- set ns = namespace(digits=0, position=0) -%}
    {%- for digits in range(1, 10) -%}
        {%- if (10 ** digits - 1) * rows < 2 ** width -%}{%- set ns.digits = digits -%}{%- endif -%}
    {%- endfor -%}
    {%- for member in frame_columns -%}
        {%- if member == column -%}{%- set ns.position = loop.index0 -%}{%- endif -%}
    {%- endfor -%}
    {%- set chunk_start = (ns.position // per_chunk) * per_chunk -%}
    {%- set chunk = frame_columns[chunk_start:chunk_start + per_chunk] -%}
    {%- if (first == last and last > 0) or chunk | length == 1 or ns.digits == 0 -%}
        {{ default__daily_trailing_sum(column, first, last, partition_by, order_by, [column]) }}
    {%- else -%}
        {%- set terms = [] -%}
        {%- for member in chunk -%}
            {%- do terms.append(
                '(cast(cast(cast(coalesce(' ~ member ~ ', 0) as uinteger) as decimal('
                ~ ns.digits ~ ', 0)) as hugeint) << '
                ~ (width * ((chunk | length) - 1 - loop.index0)) ~ ')'
            ) -%}
        {%- endfor -%}
        cast((coalesce(sum({{ terms | join(' | ') }}) over (
            partition by {{ partition_by }} order by {{ order_by }} {{ daily_frame_clause(first, last) }}
        ), 0) >> {{ width * ((chunk | length) - 1 - (ns.position - chunk_start)) }})
        & {{ 2 ** width - 1 }} as bigint)
    {%- endif -%}
{%- endmacro %}
