{#- The f_ feature columns of the shared point-in-time join, in order, with
    their types. feat_training_set and feat_scoring_candidates both select
    exactly this list from int_point_in_time_features, so a feature cannot
    exist for training and be missing (or differ) at scoring time. The ML code
    discovers features by the `f_` prefix. `daily: true` marks the columns
    read from feat_user_daily (the last completed day before the request). -#}
{% macro ml_feature_columns() -%}
    {%- set columns = [
        {'name': 'f_position', 'data_type': 'integer'},
        {'name': 'f_has_media', 'data_type': 'integer'},
        {'name': 'f_is_own_tweet', 'data_type': 'integer'},
        {'name': 'f_tweet_age_hours', 'data_type': 'double'},
        {'name': 'f_tweet_impressions', 'data_type': 'integer'},
        {'name': 'f_tweet_engagements', 'data_type': 'integer'},
        {'name': 'f_tweet_engagement_rate', 'data_type': 'double'},
        {'name': 'f_tweet_engagement_velocity', 'data_type': 'double'},
        {'name': 'f_author_impressions', 'data_type': 'integer'},
        {'name': 'f_author_engagements', 'data_type': 'integer'},
        {'name': 'f_author_engagement_rate', 'data_type': 'double'},
        {'name': 'f_author_followers', 'data_type': 'integer'},
        {'name': 'f_follows_author', 'data_type': 'integer'},
        {'name': 'f_user_following', 'data_type': 'integer'},
        {'name': 'f_user_author_impressions', 'data_type': 'integer'},
        {'name': 'f_user_author_engagements', 'data_type': 'integer'},
        {'name': 'f_user_author_affinity', 'data_type': 'double'},
        {'name': 'f_user_engagements', 'data_type': 'integer'},
        {'name': 'f_user_topic_engagements', 'data_type': 'integer'},
        {'name': 'f_user_topic_share', 'data_type': 'double'},
    ] -%}
    {%- for stem in ml_count_stems() -%}
        {%- for days in [1, 7, 28] -%}
            {%- do columns.append(
                {'name': 'f_user_' ~ stem ~ '_' ~ days ~ 'd', 'data_type': 'integer', 'daily': true}
            ) -%}
        {%- endfor -%}
        {%- do columns.append({'name': 'f_user_prev_day_' ~ stem, 'data_type': 'integer', 'daily': true}) -%}
    {%- endfor -%}
    {%- do columns.append({'name': 'f_user_ctr_7d', 'data_type': 'double', 'daily': true}) -%}
    {%- do columns.append({'name': 'f_user_ctr_28d', 'data_type': 'double', 'daily': true}) -%}
    {%- do columns.append(
        {'name': 'f_user_days_since_last_activity', 'data_type': 'integer', 'daily': true}
    ) -%}
    {%- do columns.append({'name': 'f_user_engagement_trend_7d', 'data_type': 'integer', 'daily': true}) -%}
    {%- do columns.append(
        {'name': 'f_user_engagement_trend_ratio_7d', 'data_type': 'double', 'daily': true}
    ) -%}
    {{ return(columns) }}
{%- endmacro %}

{#- The feature columns as a select list, `<relation>.f_x` one per line
    (commas between, none after the last): the shared tail of the training
    and scoring tables' select. -#}
{% macro ml_feature_select_list(relation) -%}
    {%- set names = [] -%}
    {%- for column in ml_feature_columns() -%}
        {%- do names.append(relation ~ '.' ~ column['name']) -%}
    {%- endfor -%}
    {{ names | join(',\n        ') }}
{%- endmacro %}

{#- `cast(f_x as <type>) as f_x` for every feature column, one per line: the
    typed select list that fixes each feature's type once. `names` keeps only
    those features (in the list's order): the online store's tables each
    hold the features of one entity, typed the same way. -#}
{% macro ml_feature_casts(names=none) -%}
    {%- set known = [] -%}
    {%- set casts = [] -%}
    {%- for column in ml_feature_columns() -%}
        {%- do known.append(column['name']) -%}
        {%- if names is none or column['name'] in names -%}
            {%- do casts.append(
                'cast(' ~ column['name'] ~ ' as ' ~ column['data_type'] ~ ') as ' ~ column['name']
            ) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- for name in names or [] if name not in known -%}
        {{ exceptions.raise_compiler_error(
            'ml_feature_casts: ' ~ name ~ ' is not a feature of ml_feature_columns()'
        ) }}
    {%- endfor -%}
    {{ casts | join(',\n        ') }}
{%- endmacro %}

{#- Retrieval features of a candidate (fct_candidates, the column each is
    read from): how the sources offered it. Logged training rows
    (feat_training_set) were not retrieved and carry NULL, which the model
    reads as "not a retrieved candidate"; candidate rows (feat_candidate_training_set,
    feat_scoring_candidates) carry the values. A source's rank is NULL when
    that source did not offer the tweet. -#}
{% macro ml_source_feature_columns() -%}
    {{ return([
        {'name': 'f_retrieval_score', 'data_type': 'double', 'column': 'retrieval_score'},
        {'name': 'f_retrieval_rank', 'data_type': 'integer', 'column': 'retrieval_rank'},
        {'name': 'f_n_sources', 'data_type': 'integer', 'column': 'n_sources'},
        {'name': 'f_item_similarity_rank', 'data_type': 'integer', 'column': 'item_similarity_rank'},
        {'name': 'f_followed_authors_rank', 'data_type': 'integer', 'column': 'followed_authors_rank'},
        {'name': 'f_topic_popularity_rank', 'data_type': 'integer', 'column': 'topic_popularity_rank'},
        {'name': 'f_co_engagement_rank', 'data_type': 'integer', 'column': 'co_engagement_rank'},
        {'name': 'f_cold_start_rank', 'data_type': 'integer', 'column': 'cold_start_rank'},
    ]) }}
{%- endmacro %}

{#- The retrieval features as a typed select list read from `relation` (a
    fct_candidates row), or NULL typed columns when `relation` is none. -#}
{% macro ml_source_feature_select_list(relation=none) -%}
    {{ ml_typed_select_list(ml_source_feature_columns(), relation, 'column') }}
{%- endmacro %}

{#- What a candidate request carries from fct_candidates (its retrieval
    columns, the source features' inputs and the sources list), NULL on the
    other requests: int_feature_requests reads them beside the candidate, and
    int_pit_activity_counts and int_point_in_time_features pass them on, so
    feat_scoring_candidates and feat_candidate_training_set read one table
    instead of joining the candidates back to their features (a hash join of
    two tables of ~50M rows each at 10M events, which spilled tens of GB). -#}
{% macro ml_request_retrieval_columns() -%}
    {%- set columns = [] -%}
    {%- for column in ml_source_feature_columns() -%}
        {%- do columns.append({'name': column['column'], 'data_type': column['data_type']}) -%}
    {%- endfor -%}
    {%- do columns.append({'name': 'sources', 'data_type': 'string'}) -%}
    {{ return(columns) }}
{%- endmacro %}

{#- The retrieval columns as a typed select list read from `relation`, or
    NULL typed columns when `relation` is none. -#}
{% macro ml_request_retrieval_select_list(relation=none) -%}
    {{ ml_typed_select_list(ml_request_retrieval_columns(), relation, 'name') }}
{%- endmacro %}

{#- `columns` (dicts with name, data_type and the key `read_key` naming the
    column read from `relation`) as `cast(relation.<read> as <type>) as <name>`,
    or NULL typed columns when `relation` is none. -#}
{% macro ml_typed_select_list(columns, relation, read_key) -%}
    {%- set casts = [] -%}
    {%- for column in columns -%}
        {%- set value = relation ~ '.' ~ column[read_key] if relation else 'null' -%}
        {%- do casts.append(
            'cast(' ~ value ~ ' as ' ~ column['data_type'] ~ ') as ' ~ column['name']
        ) -%}
    {%- endfor -%}
    {{ casts | join(',\n        ') }}
{%- endmacro %}
