"""Lucky Sevens: a classic three-reel fruit machine, low volatility (many small wins).

Three identical 30-stop reels, a 3x3 window, five lines (three rows, two diagonals).
Cherries pay from one on the left; a single wild substitutes for everything and pays
most on its own. No features: every round is a single paid spin.
"""

from __future__ import annotations

from spinscope.sim.games.reels import ReelRules, reel_strip

REEL = reel_strip(
    "BLANK BAR BELL CHERRY BLANK BAR3 BLANK SEVEN BAR BELL CHERRY BLANK BLANK BAR BELL "
    "CHERRY WILD BLANK BLANK BAR BELL CHERRY BAR3 BLANK SEVEN BLANK BAR BELL CHERRY BLANK"
)

LINES = ((1, 1, 1), (0, 0, 0), (2, 2, 2), (0, 1, 2), (2, 1, 0))

RULES = ReelRules(
    id="lucky-sevens",
    version="2.0.1",
    name="Lucky Sevens",
    reels=(REEL, REEL, REEL),
    lines=LINES,
    # Pays in line-bet credits by run length 0..3 (a paid spin stakes 5 credits).
    line_pays=(
        ("WILD", (0, 0, 0, 250)),
        ("SEVEN", (0, 0, 0, 120)),
        ("BAR3", (0, 0, 0, 60)),
        ("BELL", (0, 0, 0, 30)),
        ("BAR", (0, 0, 0, 20)),
        ("CHERRY", (0, 1, 4, 12)),
    ),
    wild="WILD",
    # Ground truth for fault scenarios: reel 2 (index 1) loses or gains one cherry, -/+3.1 points.
    missets=(("under", (1, ((3, "BLANK"),))), ("over", (1, ((0, "CHERRY"),)))),
)
