with labels as (
    select
        *,
        row_number() over () as label_row_id
    from labels
),

feature_snapshots as (
    select * from feature_snapshots
),

candidates as (
    select
        labels.label_row_id,
        labels.user_id,
        labels.label_ts,
        labels.label,
        feature_snapshots.feature_ts,
        feature_snapshots.n_likes_7d,
        feature_snapshots.n_sessions_7d,
        row_number() over (
            partition by labels.label_row_id
            order by feature_snapshots.feature_ts desc
        ) as recency_rank
    from labels
    left join feature_snapshots
        on
            labels.user_id = feature_snapshots.user_id
            and labels.label_ts > feature_snapshots.feature_ts
),

final as (
    select
        user_id,
        label_ts,
        label,
        feature_ts,
        n_likes_7d,
        n_sessions_7d
    from candidates
    where recency_rank = 1
)

select * from final
