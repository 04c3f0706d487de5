{#- PSI with bins fixed on the reference window; the same definition as
    ml/psi.py (tests cross-check the two). Memory: edges and bins are
    computed wide (one quantile aggregate per column over the reference rows,
    then one small bin number per column and row), and only the bin numbers
    are unpivoted into a streaming (feature, window, bin) count with a few
    hundred groups; no long table of values is materialised or sorted. The
    exact quantiles still hold every non-NULL reference value (in the
    column's own type) while the edges are computed. -#}
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
{%- set drift_column_names = drift_columns | map(attribute='name') | list %}

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

-- Bin per column and row: 0 = NULL; otherwise 1 + the number of edges
-- strictly below the value. NULL (no bin) where the row does not carry the
-- column (score rows for f_ columns, feature rows for the score). Read by
-- the ml_unpivot call of long_bins (linters do not see inside the macro).
binned as (  -- noqa: ST03
    select
        {%- for column in drift_columns %}
            {%- set value = 'window_values.' ~ column['name'] %}
            case
                when window_values.row_kind != '{{ column["row_kind"] }}' then null
                when {{ value }} is null then 0
                else 1
                    {%- for i in range(1, n_bins) %}
                        + case when {{ value }} > edges.{{ column['name'] }}__edge_{{ i }} then 1 else 0 end
                    {%- endfor %}
            end as {{ column['name'] }},
        {%- endfor %}
        window_values.drift_window,
        window_values.row_kind,
        window_values.model_version
    from window_values
    cross join edges
),

-- One row per (row, column that the row carries): only small integers.
long_bins as (
    select
        unpivoted_bins.drift_window,
        unpivoted_bins.row_kind,
        unpivoted_bins.model_version,
        unpivoted_bins.feature,
        unpivoted_bins.bin
    from {{ ml_unpivot(
        'binned',
        drift_column_names,
        ['drift_window', 'row_kind', 'model_version'],
        'feature',
        'bin'
    ) }} as unpivoted_bins
),

bin_counts as (
    select
        feature,
        row_kind as feature_kind,
        model_version,
        drift_window,
        bin,
        count(*) as bin_rows
    from long_bins
    group by feature, row_kind, model_version, drift_window, bin
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

bins as (
    {%- for b in range(n_bins + 1) %}
        select {{ b }} as bin{{ " union all" if not loop.last }}
    {%- endfor %}
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
