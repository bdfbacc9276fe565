"""Fortune Tiger: a three-reel Asian-themed game, medium volatility from a rare wild line.

Three identical 30-stop reels, a 3x3 window, five lines. The tiger is wild; three tigers
on a line pay 500 times the bet, which carries most of the variance. No features.
"""

from __future__ import annotations

from spinscope.sim.games.reels import ReelRules, reel_strip

REEL = reel_strip(
    "ORANGE FIRECRACKER ENVELOPE BLANK BAG INGOT ORANGE FIRECRACKER ENVELOPE ORANGE BLANK "
    "FIRECRACKER ORANGE BAG ENVELOPE INGOT WILD ORANGE FIRECRACKER BLANK ORANGE ENVELOPE "
    "FIRECRACKER ORANGE BAG INGOT BLANK ENVELOPE FIRECRACKER ORANGE"
)

LINES = ((1, 1, 1), (0, 0, 0), (2, 2, 2), (0, 1, 2), (2, 1, 0))

RULES = ReelRules(
    id="fortune-tiger",
    version="1.4.2",
    name="Fortune Tiger",
    reels=(REEL, REEL, REEL),
    lines=LINES,
    # Pays in line-bet credits for three of a kind (a paid spin stakes 5 credits).
    line_pays=(
        ("WILD", (0, 0, 0, 2500)),
        ("INGOT", (0, 0, 0, 100)),
        ("BAG", (0, 0, 0, 50)),
        ("ENVELOPE", (0, 0, 0, 25)),
        ("FIRECRACKER", (0, 0, 0, 15)),
        ("ORANGE", (0, 0, 0, 5)),
    ),
    wild="WILD",
    # Ground truth for fault scenarios: one symbol on reel 1 swapped between ingot and bag, -/+3.0 points.
    missets=(("under", (0, ((5, "BAG"),))), ("over", (0, ((4, "INGOT"),)))),
)
