{#- The trailing windows (in days) of feat_user_daily's counts. The widest
    also bounds the activity calendar: int_user_activity_daily keeps a user's
    rows only up to this many days after an active day, because every
    trailing count of a later day is 0 (see ml_daily_calendar_tail_days). -#}
{% macro ml_daily_windows() -%}
    {{ return([7, 28]) }}
{%- endmacro %}

{#- Days of zero rows the calendar keeps after a user's active day: the
    widest trailing window. Every frame feat_user_daily and
    agg_user_activity_daily read (at most 27 rows back for the 28-day window,
    13 for the previous week) then stays inside the run or its zero tail, so
    ROWS frames over the sparse calendar equal RANGE frames over the day. -#}
{% macro ml_daily_calendar_tail_days() -%}
    {#- The widest of ml_daily_windows(), written out so a unit test can override it. -#}
    {{ return(28) }}
{%- endmacro %}
