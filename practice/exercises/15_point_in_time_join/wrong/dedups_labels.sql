-- why: groups by the label columns, collapsing repeated label rows into one
-- expect: missing
-- fails-on: hidden_repeats_and_nulls
select
    l.user_id,
    l.label_ts,
    l.label,
    arg_max(f.feature_ts, f.feature_ts) as feature_ts,
    arg_max(f.n_likes_7d, f.feature_ts) as n_likes_7d,
    arg_max(f.n_sessions_7d, f.feature_ts) as n_sessions_7d
from labels as l
left join feature_snapshots as f
    on l.user_id = f.user_id and f.feature_ts < l.label_ts
group by l.user_id, l.label_ts, l.label
