-- A bin empty in the current population and another empty in the baseline (share floor 0.0001).
create table feature_bins (
    feature varchar, bin_id integer, lower_bound double, upper_bound double
);
insert into feature_bins values
    ('ctr_7d', 1, null, 0.1), ('ctr_7d', 2, 0.1, 0.5), ('ctr_7d', 3, 0.5, null);
create table feature_values (feature varchar, population varchar, value double);
insert into feature_values values
    ('ctr_7d', 'baseline', 0.05), ('ctr_7d', 'baseline', 0.2), ('ctr_7d', 'baseline', 0.3),
    ('ctr_7d', 'current', 0.6), ('ctr_7d', 'current', 0.2), ('ctr_7d', 'current', 0.7);
