-- why: skipping NULL values falls back to an older snapshot when the latest one is NULL
-- expect: the values in 'n_likes_7d' and 'n_sessions_7d' are wrong
-- fails-on: hidden_repeats_and_nulls
with numbered as (
    select *, row_number() over () as rid from labels
),

joined as (
    select
        numbered.rid,
        numbered.user_id,
        numbered.label_ts,
        numbered.label,
        f.feature_ts,
        f.n_likes_7d,
        f.n_sessions_7d
    from numbered
    left join feature_snapshots as f
        on numbered.user_id = f.user_id and f.feature_ts < numbered.label_ts
)

select
    any_value(user_id) as user_id,
    any_value(label_ts) as label_ts,
    any_value(label) as label,
    max(feature_ts) as feature_ts,
    arg_max(n_likes_7d, feature_ts) filter (where n_likes_7d is not null) as n_likes_7d,
    arg_max(n_sessions_7d, feature_ts) filter (where n_sessions_7d is not null)
        as n_sessions_7d
from joined
group by rid
