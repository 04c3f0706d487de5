-- why: divides by every row of the population, NULL values included
-- expect: the values in 'psi' are wrong
-- fails-on: hidden_boundaries_and_nulls
with grid as (
    select b.*, p.population
    from feature_bins as b
    cross join (values ('baseline'), ('current')) as p (population)
),

counts as (
    select grid.feature, grid.bin_id, grid.population, count(v.value) as n
    from grid
    left join feature_values as v
        on
            grid.feature = v.feature and grid.population = v.population
            and (grid.lower_bound is null or v.value >= grid.lower_bound)
            and (grid.upper_bound is null or v.value < grid.upper_bound)
    group by all
),

totals as (
    select feature, population, count(*) as n_total from feature_values group by all
),

shares as (
    select
        counts.feature, counts.bin_id, counts.population,
        greatest(counts.n / totals.n_total, 0.0001) as bin_share
    from counts
    left join totals on counts.feature = totals.feature and counts.population = totals.population
),

psi as (
    select b.feature, round(sum((c.bin_share - b.bin_share) * ln(c.bin_share / b.bin_share)), 4) as psi
    from shares as b
    inner join shares as c
        on b.feature = c.feature and b.bin_id = c.bin_id and c.population = 'current'
    where b.population = 'baseline'
    group by b.feature
)

select
    feature,
    psi,
    case
        when psi is null then 'no data' when psi < 0.1 then 'ok' when psi < 0.25 then 'warn'
        else 'alert'
    end as drift_status
from psi
