{#- PSI with bins fixed on the reference window; the same definition as
    ml/psi.py (tests cross-check the two). -#}
{%- set n_bins = 10 -%}
{%- set share_floor = 0.0001 -%}

{#- The quoted feature names of var drift_unmonitored_features ('' when empty). -#}
{%- set unmonitored_features = "'" ~ var('drift_unmonitored_features', []) | join("', '") ~ "'" %}

{%- set fractions = [] -%}
{%- for i in range(1, n_bins) -%}
    {%- do fractions.append(i / n_bins) -%}
{%- endfor %}

with

-- Each step below reads the long values itself (a view over the training
-- set), so the engine streams them per step instead of materialising the
-- long table (57 rows per training row) once for several readers: that
-- materialisation cost more than the re-scans.
drift_values as (
    select
        drift_window,
        feature,
        feature_value
    from {{ ref('int_monitoring_drift_values') }}
),

reference_values as (
    select
        feature,
        feature_value
    from {{ ref('int_monitoring_drift_values') }}
    where drift_window = 'reference'
),

window_values as (
    select
        drift_window,
        feature,
        feature_value
    from {{ ref('int_monitoring_drift_values') }}
),

features as (
    select distinct
        feature,
        feature_kind,
        model_version
    from {{ ref('int_monitoring_drift_values') }}
),

-- The n_bins - 1 inner edges: reference quantiles at 1/n .. (n-1)/n, linear
-- interpolation, NULLs ignored (NULL edges when the reference is all NULL),
-- all from one sort of each feature's values.
edge_arrays as (
    select
        feature,
        {{ ml_quantiles_cont('feature_value', fractions) }} as edge_array
    from reference_values
    group by feature
),

edges as (
    select
        {%- for i in range(1, n_bins) %}
            {{ ml_array_element('edge_array', i) }} as edge_{{ i }},
        {%- endfor %}
        feature
    from edge_arrays
),

-- Bin 0 = NULL; otherwise 1 + the number of edges strictly below the value.
binned as (
    select
        drift_values.feature,
        drift_values.drift_window,
        case
            when drift_values.feature_value is null then 0
            else 1
                {%- for i in range(1, n_bins) %}
                    + case when drift_values.feature_value > edges.edge_{{ i }} then 1 else 0 end
                {%- endfor %}
        end as bin
    from drift_values
    inner join edges
        on drift_values.feature = edges.feature
),

bin_counts as (
    select
        feature,
        drift_window,
        bin,
        count(*) as bin_rows
    from binned
    group by feature, drift_window, bin
),

window_rows as (
    select
        feature,
        sum(case when drift_window = 'reference' then 1 else 0 end) as reference_rows,
        sum(case when drift_window = 'current' then 1 else 0 end) as current_rows,
        sum(
            case when drift_window = 'reference' and feature_value is null then 1 else 0 end
        ) as reference_nulls,
        sum(case when drift_window = 'current' and feature_value is null then 1 else 0 end) as current_nulls
    from window_values
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
        round(psi.psi, 6) as psi,
        case
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
