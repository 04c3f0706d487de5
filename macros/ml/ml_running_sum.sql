{#-
    ml_running_sum(relation, columns, buckets, order_by, summed, name): a
    parenthesised subquery (alias it) of `columns` of `relation` (a CTE name)
    plus `name`, the running sum of `summed` over every row in
    (buckets, order_by) order, the current row included:
    sum(summed) over (order by buckets, order_by rows between unbounded
    preceding and current row). With `summed` = '1' it numbers the rows
    1..n, like row_number().

    Why not that window itself: a window with no PARTITION BY runs as one
    task on Spark, however large the cluster (int_sim_tweet_pairs' indexes,
    int_feature_requests' creation time line). Here each bucket is summed
    in a window partitioned by `buckets` (spread over the workers), and
    starts from the total of the buckets before it (a window over one row
    per bucket). `buckets` are columns of `relation`, never null, whose
    order agrees with the wanted one: a day for a time line, or, where any
    order will do, an id modulo a number of buckets. Same SQL, same numbers
    on every engine.
-#}
{% macro ml_running_sum(relation, columns, buckets, order_by, summed, name) -%}
    {%- set bucket_list = buckets | join(', ') -%}
    {%- set selected = [] -%}
    {%- for column in columns -%}{%- do selected.append('in_bucket.' ~ column) -%}{%- endfor -%}
    {%- set joined = [] -%}
    {%- for column in buckets -%}
        {%- do joined.append('in_bucket.' ~ column ~ ' = bucket_starts.' ~ column) -%}
    {%- endfor -%}
    (
        select
            {{ selected | join(', ') }},
            cast(bucket_starts.bucket_start + in_bucket.sum_in_bucket as bigint) as {{ name }}
        from (
            select
                {{ (columns + buckets) | unique | join(', ') }},
                sum({{ summed }}) over (
                    partition by {{ bucket_list }}
                    order by {{ order_by }}
                    rows between unbounded preceding and current row
                ) as sum_in_bucket
            from {{ relation }}
        ) as in_bucket
        inner join (
            select
                {{ bucket_list }},
                cast(
                    sum(sum({{ summed }})) over (
                        order by {{ bucket_list }} rows between unbounded preceding and current row
                    )
                    - sum({{ summed }}) as bigint
                ) as bucket_start
            from {{ relation }}
            group by {{ bucket_list }}
        ) as bucket_starts
            on {{ joined | join(' and ') }}
    )
{%- endmacro %}


{#- A bucket of ml_running_sum for rows where any order will do: the id modulo 64
    (non-negative for negative ids too), enough to keep every core of a cluster busy
    with one model's numbering. -#}
{% macro ml_id_bucket(id_expr) -%}
    ((({{ id_expr }}) % 64 + 64) % 64)
{%- endmacro %}
