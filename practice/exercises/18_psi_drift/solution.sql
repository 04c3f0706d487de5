with feature_bins as (
    select * from feature_bins
),

feature_values as (
    select * from feature_values
    where value is not null
),

populations as (
    select unnest(['baseline', 'current']) as population
),

grid as (
    select
        feature_bins.feature,
        feature_bins.bin_id,
        feature_bins.lower_bound,
        feature_bins.upper_bound,
        populations.population
    from feature_bins
    cross join populations
),

bin_counts as (
    select
        grid.feature,
        grid.bin_id,
        grid.population,
        count(feature_values.value) as n_in_bin
    from grid
    left join feature_values
        on
            grid.feature = feature_values.feature
            and grid.population = feature_values.population
            and (grid.lower_bound is null or grid.lower_bound <= feature_values.value)
            and (grid.upper_bound is null or grid.upper_bound > feature_values.value)
    group by grid.feature, grid.bin_id, grid.population
),

sample_totals as (
    select
        feature,
        population,
        count(*) as n_total
    from feature_values
    group by feature, population
),

shares as (
    select
        bin_counts.feature,
        bin_counts.bin_id,
        bin_counts.population,
        greatest(bin_counts.n_in_bin / sample_totals.n_total, 0.0001) as bin_share
    from bin_counts
    left join sample_totals
        on
            bin_counts.feature = sample_totals.feature
            and bin_counts.population = sample_totals.population
),

terms as (
    select
        base_shares.feature,
        (serving_shares.bin_share - base_shares.bin_share)
        * ln(serving_shares.bin_share / base_shares.bin_share) as term
    from shares as base_shares
    inner join shares as serving_shares
        on
            base_shares.feature = serving_shares.feature
            and base_shares.bin_id = serving_shares.bin_id
            and serving_shares.population = 'current'
    where base_shares.population = 'baseline'
),

psi as (
    select
        feature,
        case when bool_and(term is not null) then round(sum(term), 4) end as psi
    from terms
    group by feature
),

final as (
    select
        feature,
        psi,
        case
            when psi is null then 'no data'
            when psi < 0.1 then 'ok'
            when psi < 0.25 then 'warn'
            else 'alert'
        end as drift_status
    from psi
)

select * from final
