-- why: recommends accounts the user already follows
-- expect: extra
-- fails-on: visible
with edges as (
    select distinct follower_id, followee_id from follows where follower_id <> followee_id
),

candidates as (
    select a.follower_id as user_id, b.followee_id as recommended_id,
        count(distinct a.followee_id) as mutual_count
    from edges as a
    inner join edges as b on a.followee_id = b.follower_id
    where b.followee_id <> a.follower_id
    group by all
)

select *, row_number() over (
    partition by user_id order by mutual_count desc, recommended_id
) as rec_rank
from candidates
qualify rec_rank <= 3
