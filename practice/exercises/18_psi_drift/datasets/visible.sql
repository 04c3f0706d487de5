-- One stable feature, one that drifted; three bins each.
create table feature_bins (
    feature varchar, bin_id integer, lower_bound double, upper_bound double
);
insert into feature_bins values
    ('n_likes_7d', 1, null, 5), ('n_likes_7d', 2, 5, 20), ('n_likes_7d', 3, 20, null),
    ('session_len', 1, null, 60), ('session_len', 2, 60, 600), ('session_len', 3, 600, null);
create table feature_values (feature varchar, population varchar, value double);
insert into feature_values values
    ('n_likes_7d', 'baseline', 1), ('n_likes_7d', 'baseline', 2),
    ('n_likes_7d', 'baseline', 7), ('n_likes_7d', 'baseline', 30),
    ('n_likes_7d', 'current', 0), ('n_likes_7d', 'current', 3),
    ('n_likes_7d', 'current', 10), ('n_likes_7d', 'current', 25),
    ('session_len', 'baseline', 10), ('session_len', 'baseline', 100),
    ('session_len', 'baseline', 200), ('session_len', 'baseline', 900),
    ('session_len', 'current', 700), ('session_len', 'current', 800),
    ('session_len', 'current', 900), ('session_len', 'current', 30);
