-- why: counts paths over raw edges, so repeated edges inflate mutual_count
-- expect: the values in 'recommended_id' and 'mutual_count' are wrong
-- fails-on: hidden_duplicates_and_self
with edges as (
    select follower_id, followee_id from follows where follower_id <> followee_id
),

candidates as (
    select a.follower_id as user_id, b.followee_id as recommended_id,
        count(*) as mutual_count
    from edges as a
    inner join edges as b on a.followee_id = b.follower_id
    where
        b.followee_id <> a.follower_id
        and not exists (
            select 1 from edges as e
            where e.follower_id = a.follower_id and e.followee_id = b.followee_id
        )
    group by all
)

select *, row_number() over (
    partition by user_id order by mutual_count desc, recommended_id
) as rec_rank
from candidates
qualify rec_rank <= 3
