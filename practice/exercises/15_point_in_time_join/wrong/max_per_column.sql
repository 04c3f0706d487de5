-- why: max() per column mixes snapshots and skips NULL values
-- expect: the values in 'n_sessions_7d' are wrong
-- fails-on: visible
select
    l.user_id,
    l.label_ts,
    l.label,
    max(f.feature_ts) as feature_ts,
    max(f.n_likes_7d) as n_likes_7d,
    max(f.n_sessions_7d) as n_sessions_7d
from labels as l
left join feature_snapshots as f
    on l.user_id = f.user_id and f.feature_ts < l.label_ts
group by l.user_id, l.label_ts, l.label
