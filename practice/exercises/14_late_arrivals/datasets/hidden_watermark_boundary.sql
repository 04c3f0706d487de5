-- Ingested exactly at the watermark (late), a millisecond before it (on time).
create table events (event_id bigint, event_ts timestamp, ingested_at timestamp);
insert into events values
    (1, '2026-11-02 08:00:00', '2026-11-02 09:15:00'),
    (2, '2026-11-02 08:59:59.999', '2026-11-02 09:14:59.999'),
    (3, '2026-11-02 09:00:00', '2026-11-02 09:00:00'),
    (4, '2026-11-02 08:30:00', '2026-11-02 08:30:00');
