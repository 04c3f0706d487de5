-- Values exactly on bin bounds (lower inclusive), NULL values, a feature with no current data.
create table feature_bins (
    feature varchar, bin_id integer, lower_bound double, upper_bound double
);
insert into feature_bins values
    ('age_days', 1, null, 30), ('age_days', 2, 30, 365), ('age_days', 3, 365, null),
    ('followers', 1, null, 100), ('followers', 2, 100, null);
create table feature_values (feature varchar, population varchar, value double);
insert into feature_values values
    ('age_days', 'baseline', 29.999), ('age_days', 'baseline', 30),
    ('age_days', 'baseline', 364), ('age_days', 'baseline', 365),
    ('age_days', 'current', 30), ('age_days', 'current', 30), ('age_days', 'current', 365),
    ('age_days', 'current', null), ('age_days', 'current', null),
    ('followers', 'baseline', 50), ('followers', 'baseline', 150),
    ('followers', 'current', null);
