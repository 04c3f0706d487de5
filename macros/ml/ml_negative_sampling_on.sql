{#-
    ml_negative_sampling_on(): an aggregate over clean non-bot events (columns
    event_type) that is true when training uses sampled negatives instead of
    impressions (var negative_sampling: always / never / auto = impressions
    are fewer than negative_sampling_max_impression_share of the events).
    int_feature_requests builds its requests from it and int_ml_time_windows
    sizes its windows by the same requests, so both must decide alike.
-#}
{% macro ml_negative_sampling_on() -%}
    {%- if var('negative_sampling') == 'always' -%}
        count(*) >= 0
    {%- elif var('negative_sampling') == 'never' -%}
        count(*) < 0
    {%- else -%}
        coalesce(
            sum(case when event_type = 'impression' then 1 else 0 end)
            < {{ var('negative_sampling_max_impression_share') }} * count(*),
            false
        )
    {%- endif -%}
{%- endmacro %}
