"""The game-math gate behind `spinscope math verify`: a par sheet's figures derived and judged.

`verify.py` derives a par sheet's exact figures (enumeration, via the simulator's reel engine), a
seeded Monte Carlo with intervals (real reel draws), and judges the declared figures; `compare.py`
says what changed against a previous version; `report.py` renders Markdown, text and JSON.
Pure: no store, no network; the par sheet format itself lives in `spinscope.sim.games.parsheet`.
"""
