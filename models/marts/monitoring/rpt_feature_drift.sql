{#- PSI with bins fixed on the reference window; the same definition as
    ml/psi.py (tests cross-check the two). Cost: one quantile aggregate per
    column over the reference rows for the edges, then one streaming
    aggregate that counts, per column and edge, the values above the edge
    (a handful of groups); bin counts are differences of those counts. No
    value is unpivoted, materialised or sorted beyond the quantiles, which
    hold every non-NULL reference value (in the column's own type). -#}
{%- set n_bins = 10 -%}
{%- set share_floor = 0.0001 -%}

{#- The quoted feature names of var drift_unmonitored_features ('' when empty). -#}
{%- set unmonitored_features = "'" ~ var('drift_unmonitored_features', []) | join("', '") ~ "'" %}

{%- set fractions = [] -%}
{%- for i in range(1, n_bins) -%}
    {%- do fractions.append(i / n_bins) -%}
{%- endfor %}

{#- Every monitored column of int_monitoring_drift_values and the row_kind
    whose rows carry it: the f_ features, then the model's score. -#}
{%- set drift_columns = [] -%}
{%- for column in ml_feature_columns() -%}
    {%- do drift_columns.append({'name': column['name'], 'row_kind': 'feature'}) -%}
{%- endfor -%}
{%- do drift_columns.append({'name': 'score', 'row_kind': 'score'}) -%}
{%- set above_column_names = [] -%}
{%- for column in drift_columns -%}
    {%- for i in range(n_bins) -%}
        {%- do above_column_names.append(column['name'] ~ '__above_' ~ i) -%}
    {%- endfor -%}
{%- endfor %}

with

-- The view is read once per step (reference for the edges, every row for
-- the bins): each read streams, nothing wide is materialised.
reference_values as (
    select
        {%- for column in drift_columns %}
            {{ column['name'] }},
        {%- endfor %}
        drift_window
    from {{ ref('int_monitoring_drift_values') }}
    where drift_window = 'reference'
),

window_values as (
    select
        {%- for column in drift_columns %}
            {{ column['name'] }},
        {%- endfor %}
        drift_window,
        row_kind,
        model_version
    from {{ ref('int_monitoring_drift_values') }}
),

-- The n_bins - 1 inner edges of each column: reference quantiles at
-- 1/n .. (n-1)/n, linear interpolation, NULLs ignored (NULL edges when the
-- reference is all NULL), one aggregate (one sort) per column, one row.
edge_arrays as (
    select
        {%- for column in drift_columns %}
            {{ ml_quantiles_cont(column['name'], fractions) }} as {{ column['name'] }},
        {%- endfor %}
        count(*) as reference_rows
    from reference_values
),

edges as (
    select
        {%- for column in drift_columns %}
            {%- for i in range(1, n_bins) %}
                {{ ml_array_element(column['name'], i) }} as {{ column['name'] }}__edge_{{ i }},
            {%- endfor %}
        {%- endfor %}
        reference_rows
    from edge_arrays
),

-- How many of each group's values lie strictly above each edge, per column:
-- with sorted edges a value's bin is 1 + the number of edges strictly below
-- it, so bin k holds above(k - 1) - above(k) values (above(0) = the non-NULL
-- values, above(n_bins) = 0) and bin 0 the NULLs. One streaming aggregate
-- over the rows, a handful of groups, nothing per row is materialised.
-- Rows count for a column only where their row_kind carries it.
above_edges as (  -- noqa: ST03
    select
        window_values.drift_window,
        window_values.row_kind,
        window_values.model_version,
        {%- for column in drift_columns %}
            {%- set value = 'window_values.' ~ column['name'] %}
            count({{ value }}) as {{ column['name'] }}__above_0,
            {%- for i in range(1, n_bins) %}
                sum(
                    case when {{ value }} > edges.{{ column['name'] }}__edge_{{ i }} then 1 else 0 end
                ) as {{ column['name'] }}__above_{{ i }},
            {%- endfor %}
        {%- endfor %}
        count(*) as group_rows
    from window_values
    cross join edges
    group by window_values.drift_window, window_values.row_kind, window_values.model_version
),

bins as (
    {%- for b in range(n_bins + 1) %}
        select {{ b }} as bin{{ " union all" if not loop.last }}
    {%- endfor %}
),

-- One row per (group, column, k): the column's above(k).
long_above as (
    select
        unpivoted.drift_window,
        unpivoted.row_kind,
        unpivoted.model_version,
        unpivoted.group_rows,
        {{ dbt.split_part('unpivoted.above_column', "'__above_'", 1) }} as feature,
        cast({{ dbt.split_part('unpivoted.above_column', "'__above_'", 2) }} as integer) as k,
        unpivoted.above_rows
    from {{ ml_unpivot(
        'above_edges',
        above_column_names,
        ['drift_window', 'row_kind', 'model_version', 'group_rows'],
        'above_column',
        'above_rows'
    ) }} as unpivoted
),

-- Only the columns a group's row_kind carries (features on feature rows, the
-- score on score rows).
carried_above as (
    select
        drift_window,
        row_kind,
        model_version,
        group_rows,
        feature,
        k,
        above_rows
    from long_above
    where (feature = 'score') = (row_kind = 'score')
),

-- Bin k + 1 holds above(k) - above(k + 1) values (above(n_bins) = 0); bin 0
-- the rest of the group's rows, the NULLs.
column_bins as (
    select
        feature,
        row_kind as feature_kind,
        model_version,
        drift_window,
        k + 1 as bin,
        above_rows - coalesce(
            lead(above_rows) over (
                partition by feature, drift_window, row_kind, model_version order by k
            ),
            0
        ) as bin_rows
    from carried_above
    union all
    select
        feature,
        row_kind as feature_kind,
        model_version,
        drift_window,
        0 as bin,
        group_rows - above_rows as bin_rows
    from carried_above
    where k = 0
),

-- The bins that hold at least one value.
bin_counts as (
    select
        feature,
        feature_kind,
        model_version,
        drift_window,
        bin,
        bin_rows
    from column_bins
    where bin_rows > 0
),

-- The features with at least one row in either window.
features as (
    select distinct
        feature,
        feature_kind,
        model_version
    from bin_counts
),

window_rows as (
    select
        feature,
        sum(case when drift_window = 'reference' then bin_rows else 0 end) as reference_rows,
        sum(case when drift_window = 'current' then bin_rows else 0 end) as current_rows,
        sum(
            case when drift_window = 'reference' and bin = 0 then bin_rows else 0 end
        ) as reference_nulls,
        sum(case when drift_window = 'current' and bin = 0 then bin_rows else 0 end) as current_nulls
    from bin_counts
    group by feature
),

-- Every bin of every feature, so an empty bin still counts (at the floor).
shares as (
    select
        features.feature,
        bins.bin,
        greatest(
            coalesce(reference_counts.bin_rows, 0)
            / nullif(cast(window_rows.reference_rows as double), 0),
            cast({{ share_floor }} as double)
        ) as reference_share,
        greatest(
            coalesce(current_counts.bin_rows, 0)
            / nullif(cast(window_rows.current_rows as double), 0),
            cast({{ share_floor }} as double)
        ) as current_share
    from features
    cross join bins
    inner join window_rows
        on features.feature = window_rows.feature
    left join bin_counts as reference_counts
        on
            features.feature = reference_counts.feature
            and bins.bin = reference_counts.bin
            and reference_counts.drift_window = 'reference'
    left join bin_counts as current_counts
        on
            features.feature = current_counts.feature
            and bins.bin = current_counts.bin
            and current_counts.drift_window = 'current'
),

psi as (
    select
        feature,
        sum((reference_share - current_share) * ln(reference_share / current_share)) as psi
    from shares
    group by feature
),

final as (
    select
        features.feature,
        features.feature_kind,
        features.model_version,
        cast(window_rows.reference_rows as bigint) as reference_rows,
        cast(window_rows.current_rows as bigint) as current_rows,
        round(
            window_rows.reference_nulls / nullif(cast(window_rows.reference_rows as double), 0), 6
        ) as reference_null_share,
        round(
            window_rows.current_nulls / nullif(cast(window_rows.current_rows as double), 0), 6
        ) as current_null_share,
        -- An empty window has no distribution: floored shares would invent a PSI.
        case
            when window_rows.reference_rows > 0 and window_rows.current_rows > 0
                then round(psi.psi, 6)
        end as psi,
        case
            when window_rows.reference_rows = 0 or window_rows.current_rows = 0 then 'no_data'
            when psi.psi is null then 'no_data'
            when features.feature in ({{ unmonitored_features }}) then 'not_monitored'
            when psi.psi >= {{ var('psi_alert_threshold') }} then 'alert'
            when psi.psi >= {{ var('psi_warn_threshold') }} then 'warn'
            else 'ok'
        end as status
    from features
    inner join window_rows
        on features.feature = window_rows.feature
    left join psi
        on features.feature = psi.feature
)

select * from final
