"""Synthetic social-network event generator (`python -m datagen --help`).

Layout, in the order a run uses it:
- config.py    GenConfig: sizes, dirt rates, validation (one error message per rule)
- entities.py  users with latent topic preferences, the follow graph, tweets
- rhythm.py    daily and weekly activity profiles for timestamps
- events.py    sessions -> impressions -> engagements (the learnable signal), bots
- dirt.py      raw rows and every kind of dirt, one small function each
- logs.py      free-text app log lines, some malformed
- textcols.py  fast vectorised text columns (timestamps, hex ids)
- tsformat.py  timestamp text in other formats (--timestamp-format) and its malformed dirt
- idformat.py  user and tweet ids as hash or UUID strings (--id-format)
- authors.py   tweets whose author account is gone (--deleted-author-rate)
- shapes.py    --shape presets: named sets of the options above
- writers.py   CSV / Parquet through pyarrow
- generate.py  one run end to end; cli.py and __main__.py the command line
- perf.py      allocator settings for big runs (CLI only)

docs/raw_data_contract.md is what the output promises.
"""
