with follows as (
    select * from follows
),

edges as (
    select distinct
        follower_id,
        followee_id
    from follows
    where follower_id <> followee_id
),

paths as (
    select
        first_hop.follower_id as user_id,
        first_hop.followee_id as via_id,
        second_hop.followee_id as recommended_id
    from edges as first_hop
    inner join edges as second_hop
        on first_hop.followee_id = second_hop.follower_id
),

candidates as (
    select
        paths.user_id,
        paths.recommended_id,
        count(distinct paths.via_id) as mutual_count
    from paths
    where
        paths.recommended_id <> paths.user_id
        and not exists (
            select 1
            from edges
            where
                edges.follower_id = paths.user_id
                and edges.followee_id = paths.recommended_id
        )
    group by paths.user_id, paths.recommended_id
),

ranked as (
    select
        *,
        row_number() over (
            partition by user_id order by mutual_count desc, recommended_id asc
        ) as rec_rank
    from candidates
),

final as (
    select * from ranked
    where rec_rank <= 3
)

select * from final
