-- user-item-candidates: top 2 unseen tweets per user by summed similarity.
-- Output columns: user_id, tweet_id, score, candidate_rank
-- Grade it: python -m practice check user-item-candidates THIS_FILE.sql
with interactions as (
    select * from interactions
),

tweet_similarity as (
    select * from tweet_similarity
),

final as (
    select
        interactions.user_id,
        tweet_similarity.tweet_b as tweet_id,
        max(tweet_similarity.similarity) as score,
        1 as candidate_rank
    from interactions
    inner join tweet_similarity on interactions.tweet_id = tweet_similarity.tweet_a
    group by interactions.user_id, tweet_similarity.tweet_b
)

select * from final
