-- point-in-time-join: one row per label row, features from strictly before label_ts.
-- Output columns: user_id, label_ts, label, feature_ts, n_likes_7d, n_sessions_7d
-- Grade it: python -m practice check point-in-time-join THIS_FILE.sql
with labels as (
    select * from labels
),

feature_snapshots as (
    select * from feature_snapshots
),

final as (
    select
        labels.user_id,
        labels.label_ts,
        labels.label,
        null as feature_ts,
        null as n_likes_7d,
        null as n_sessions_7d
    from labels
)

select * from final
