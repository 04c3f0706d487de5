-- why: an inner join from the values drops bins that are empty in one population
-- expect: the values in 'psi'
-- fails-on: visible
with binned as (
    select v.feature, v.population, b.bin_id
    from feature_values as v
    inner join feature_bins as b
        on
            v.feature = b.feature
            and (b.lower_bound is null or v.value >= b.lower_bound)
            and (b.upper_bound is null or v.value < b.upper_bound)
    where v.value is not null
),

shares as (
    select
        feature, population, bin_id,
        count(*) / sum(count(*)) over (partition by feature, population) as bin_share
    from binned
    group by feature, population, bin_id
),

psi as (
    select b.feature, round(sum((c.bin_share - b.bin_share) * ln(c.bin_share / b.bin_share)), 4) as psi
    from shares as b
    inner join shares as c
        on b.feature = c.feature and b.bin_id = c.bin_id and c.population = 'current'
    where b.population = 'baseline'
    group by b.feature
),

features as (select distinct feature from feature_bins)

select
    features.feature,
    psi.psi,
    case
        when psi.psi is null then 'no data' when psi.psi < 0.1 then 'ok'
        when psi.psi < 0.25 then 'warn' else 'alert'
    end as drift_status
from features
left join psi on features.feature = psi.feature
