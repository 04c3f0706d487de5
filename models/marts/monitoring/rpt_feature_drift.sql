{#- PSI with bins fixed on the reference window; the same definition as
    ml/psi.py (tests cross-check the two). Cost: one quantile aggregate per
    column over the reference rows for the edges, then one streaming
    aggregate that counts, per group and column, the rows in each bin (a
    handful of groups). No value is unpivoted, materialised or sorted beyond
    the quantiles, which hold every non-NULL reference value (in the column's
    own type). The binning is a dispatched expression per column
    (macros/monitoring/ml_value_bins.sql), so the SQL stays small. -#}
{%- set n_bins = 10 -%}
{%- set share_floor = 0.0001 -%}

{#- The quoted feature names of var drift_unmonitored_features ('' when empty). -#}
{%- set unmonitored_features = "'" ~ var('drift_unmonitored_features', []) | join("', '") ~ "'" %}

{%- set fractions = [] -%}
{%- for i in range(1, n_bins) -%}
    {%- do fractions.append(i / n_bins) -%}
{%- endfor %}

{#- Every monitored column of int_monitoring_drift_values: the f_ features (on
    feature rows), then the model's score (on score rows). -#}
{%- set drift_column_names = [] -%}
{%- for column in ml_feature_columns() -%}
    {%- do drift_column_names.append(column['name']) -%}
{%- endfor -%}
{%- do drift_column_names.append('score') %}

with

-- The view is read once per step (reference for the edges, every row for
-- the bins): each read streams, nothing wide is materialised.
reference_values as (
    select
        {%- for column in drift_column_names %}
            {{ column }},
        {%- endfor %}
        drift_window
    from {{ ref('int_monitoring_drift_values') }}
    where drift_window = 'reference'
),

window_values as (
    select
        {%- for column in drift_column_names %}
            {{ column }},
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
        {%- for column in drift_column_names %}
            {{ ml_quantiles_cont(column, fractions) }} as {{ column }},
        {%- endfor %}
        count(*) as reference_rows
    from reference_values
),

-- Each row's bin per column: bin 0 the NULLs, bin k (1..n_bins) the values
-- with k - 1 edges strictly below them. A projection the aggregate below
-- streams; computed once here, so an engine that counts bins with one sum
-- per bin (ml_bin_counts) repeats a column name, not the bin expression.
binned_values as (
    select
        {%- for column in drift_column_names %}
            {{ ml_value_bin(
                'window_values.' ~ column, 'edge_arrays.' ~ column, n_bins - 1
            ) }} as {{ column }},
        {%- endfor %}
        window_values.drift_window,
        window_values.row_kind,
        window_values.model_version
    from window_values
    cross join edge_arrays
),

-- Per group and column, the rows in each bin. One streaming aggregate over
-- the rows, a handful of groups, nothing per row materialised.
bin_histograms as (  -- noqa: ST03
    select
        {%- for column in drift_column_names %}
            {{ ml_bin_counts(column, n_bins) }} as {{ column }},
        {%- endfor %}
        drift_window,
        row_kind,
        model_version
    from binned_values
    group by drift_window, row_kind, model_version
),

bins as (
    {%- for b in range(n_bins + 1) %}
        select {{ b }} as bin{{ " union all" if not loop.last }}
    {%- endfor %}
),

-- One row per (group, bin) of each column the group's row_kind carries
-- (features on feature rows, the score on score rows).
column_bins as (
    select
        histograms.feature,
        histograms.row_kind as feature_kind,
        histograms.model_version,
        histograms.drift_window,
        bins.bin,
        cast(
            coalesce({{ ml_map_value('histograms.bin_rows_by_bin', 'bins.bin') }}, 0) as bigint
        ) as bin_rows
    from {{ ml_unpivot(
        'bin_histograms',
        drift_column_names,
        ['drift_window', 'row_kind', 'model_version'],
        'feature',
        'bin_rows_by_bin'
    ) }} as histograms
    cross join bins
    where (histograms.feature = 'score') = (histograms.row_kind = 'score')
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
        {{ ml_round(
            'window_rows.reference_nulls / nullif(cast(window_rows.reference_rows as double), 0)', 6
        ) }} as reference_null_share,
        {{ ml_round(
            'window_rows.current_nulls / nullif(cast(window_rows.current_rows as double), 0)', 6
        ) }} as current_null_share,
        -- An empty window has no distribution: floored shares would invent a PSI.
        case
            when window_rows.reference_rows > 0 and window_rows.current_rows > 0
                then {{ ml_round('psi.psi', 6) }}
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
