-- why: takes each user's latest snapshot regardless of the label time (future leakage)
-- expect: 3 missing, 3 extra
-- fails-on: visible
with latest as (
    select * from feature_snapshots
    qualify row_number() over (partition by user_id order by feature_ts desc) = 1
)

select
    l.user_id,
    l.label_ts,
    l.label,
    latest.feature_ts,
    latest.n_likes_7d,
    latest.n_sessions_7d
from labels as l
left join latest on l.user_id = latest.user_id
