-- why: without the 0.0001 floor, an empty bin makes ln(0) and an infinite psi
-- expect: the values in 'psi' are wrong
-- fails-on: visible
with vals as (
    select * from feature_values where value is not null
),

grid as (
    select b.*, p.population
    from feature_bins as b
    cross join (values ('baseline'), ('current')) as p (population)
),

counts as (
    select grid.feature, grid.bin_id, grid.population, count(vals.value) as n
    from grid
    left join vals
        on
            grid.feature = vals.feature and grid.population = vals.population
            and (grid.lower_bound is null or vals.value >= grid.lower_bound)
            and (grid.upper_bound is null or vals.value < grid.upper_bound)
    group by all
),

shares as (
    select feature, bin_id, population, n / sum(n) over (partition by feature, population) as bin_share
    from counts
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
