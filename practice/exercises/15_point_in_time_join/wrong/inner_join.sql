-- why: an inner join drops labels with no earlier snapshot
-- expect: 1 missing, 0 extra
-- fails-on: visible
select
    l.user_id,
    l.label_ts,
    l.label,
    f.feature_ts,
    f.n_likes_7d,
    f.n_sessions_7d
from labels as l
asof inner join feature_snapshots as f
    on l.user_id = f.user_id and l.label_ts > f.feature_ts
