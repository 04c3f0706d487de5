-- why: feature_ts <= label_ts uses the snapshot computed at the label instant (leakage)
-- expect: 2 missing, 2 extra
-- fails-on: hidden_same_instant
select
    l.user_id,
    l.label_ts,
    l.label,
    f.feature_ts,
    f.n_likes_7d,
    f.n_sessions_7d
from labels as l
asof left join feature_snapshots as f
    on l.user_id = f.user_id and l.label_ts >= f.feature_ts
