-- Bins but no values at all: every feature has psi NULL and status 'no data'.
create table feature_bins (
    feature varchar, bin_id integer, lower_bound double, upper_bound double
);
insert into feature_bins values ('score', 1, null, 0.5), ('score', 2, 0.5, null);
create table feature_values (feature varchar, population varchar, value double);
