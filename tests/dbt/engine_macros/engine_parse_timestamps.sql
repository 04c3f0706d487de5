-- Every raw timestamp encoding parses to the same UTC wall-clock time on every
-- engine, and a value that does not have the encoding (or names no real
-- instant) is null, never an error. Expected values are written as contract
-- text and cast by the engine itself.
with

cases as (
    select
        cases.encoding,
        cases.value,
        cases.expected
    from (
        values
        ('contract', '2024-03-01 12:34:56.789', '2024-03-01 12:34:56.789'),
        ('contract', ' 2024-03-01 12:34:56.789 ', '2024-03-01 12:34:56.789'),
        ('contract', '2024-03-01 12:34:56', null),
        ('contract', '2024-03-01T12:34:56.789', null),
        ('contract', '2024-02-30 00:00:00.000', null),
        ('contract', '2024-03-01 12:34:56.789' || chr(10), null),
        ('iso8601', '2024-03-01T12:34:56Z', '2024-03-01 12:34:56.000'),
        ('iso8601', '2024-03-01T12:34:56+02:00', '2024-03-01 10:34:56.000'),
        ('iso8601', '2024-03-01T12:34:56-0130', '2024-03-01 14:04:56.000'),
        ('iso8601', '2024-03-01 12:34:56.5', '2024-03-01 12:34:56.500'),
        ('iso8601', '2024-03-01T23:30:00.123456-01:00', '2024-03-02 00:30:00.123456'),
        ('iso8601', '2024-03-01', null),
        ('epoch_milliseconds', '1709296496789', '2024-03-01 12:34:56.789'),
        ('epoch_milliseconds', '-100000000000', '1966-10-31 14:13:20.000'),
        ('epoch_milliseconds', '1709296496', null),
        ('epoch_seconds', '1709296496', '2024-03-01 12:34:56.000'),
        ('epoch_seconds', '1709296496.5', '2024-03-01 12:34:56.500'),
        ('epoch_seconds', '1709296496.1234567', '2024-03-01 12:34:56.123457'),
        ('epoch_seconds', '-1.5', '1969-12-31 23:59:58.500'),
        ('epoch_seconds', '17092964x6', null),
        ('iso_log', '2024-03-01T12:34:56.123Z', '2024-03-01 12:34:56.123'),
        ('iso_log', '2024-03-01T12:34:56Z', '2024-03-01 12:34:56.000'),
        ('iso_log', '2024-03-01 12:34:56Z', null),
        ('iso_log', '2024-03-01T12:34:56', null)
    ) as cases (encoding, value, expected)
),

checked as (
    select
        encoding,
        value,
        cast(expected as timestamp) as expected,
        case encoding
            when 'contract' then {{ parse_raw_timestamp('value', 'contract') }}
            when 'iso8601' then {{ parse_raw_timestamp('value', 'iso8601') }}
            when 'epoch_milliseconds' then {{ parse_raw_timestamp('value', 'epoch_milliseconds') }}
            when 'epoch_seconds' then {{ parse_raw_timestamp('value', 'epoch_seconds') }}
            when 'iso_log' then {{ parse_iso_timestamp('value') }}
        end as actual
    from cases
)

select *
from checked
where actual is distinct from expected
