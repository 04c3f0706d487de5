-- friend-of-friend: up to 3 recommendations per user.
-- Output columns: user_id, recommended_id, mutual_count, rec_rank
-- Grade it: python -m practice check friend-of-friend THIS_FILE.sql
with follows as (
    select * from follows
),

final as (
    select
        first_hop.follower_id as user_id,
        second_hop.followee_id as recommended_id,
        count(*) as mutual_count,
        1 as rec_rank
    from follows as first_hop
    inner join follows as second_hop
        on first_hop.followee_id = second_hop.follower_id
    group by first_hop.follower_id, second_hop.followee_id
)

select * from final
