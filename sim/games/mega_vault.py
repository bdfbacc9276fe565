"""Mega Vault: a five-reel game, very high volatility from a bonus wheel with a jackpot.

Five 20-stop reels, a 3x5 window, twenty lines; wilds and vault symbols sit on reels 2-4.
Three vaults spin the wheel: prizes from 10x to 1,000x the bet, and a 10,000x jackpot
slice (weight 5 in 1,000). The wheel returns about 40% of the bet; the jackpot alone
contributes most of the variance.
"""

from __future__ import annotations

from spinscope.sim.games.reels import ReelRules, WheelSlice, reel_strip

_OUTER = "TEN ACE COIN BLANK GOLDBAR RUBY TEN ACE TEN COIN DIAMOND TEN ACE BLANK GOLDBAR RUBY TEN COIN ACE TEN"
_INNER = "ACE TEN COIN BLANK GOLDBAR RUBY ACE TEN COIN DIAMOND VAULT WILD ACE TEN BLANK GOLDBAR RUBY COIN ACE TEN"
REELS = tuple(reel_strip(strip) for strip in (_OUTER, _INNER, _INNER, _INNER, _OUTER))

LINES = (
    (1, 1, 1, 1, 1),
    (0, 0, 0, 0, 0),
    (2, 2, 2, 2, 2),
    (0, 1, 2, 1, 0),
    (2, 1, 0, 1, 2),
    (0, 0, 1, 2, 2),
    (2, 2, 1, 0, 0),
    (1, 0, 0, 0, 1),
    (1, 2, 2, 2, 1),
    (1, 0, 1, 2, 1),
    (1, 2, 1, 0, 1),
    (0, 1, 0, 1, 0),
    (2, 1, 2, 1, 2),
    (0, 1, 1, 1, 0),
    (2, 1, 1, 1, 2),
    (1, 1, 0, 1, 1),
    (1, 1, 2, 1, 1),
    (0, 0, 2, 0, 0),
    (2, 2, 0, 2, 2),
    (0, 2, 2, 2, 0),
)

WHEEL = (
    WheelSlice(10, 350),
    WheelSlice(25, 250),
    WheelSlice(50, 200),
    WheelSlice(100, 120),
    WheelSlice(250, 50),
    WheelSlice(1000, 25),
    WheelSlice(10000, 5, "jackpot"),
)

RULES = ReelRules(
    id="mega-vault",
    version="1.0.0",
    name="Mega Vault",
    reels=REELS,
    lines=LINES,
    # Pays in line-bet credits by run length 0..5 (a paid spin stakes 20 credits).
    line_pays=(
        ("WILD", (0, 0, 0, 25, 100, 1000)),
        ("DIAMOND", (0, 0, 0, 25, 100, 750)),
        ("RUBY", (0, 0, 0, 20, 75, 400)),
        ("GOLDBAR", (0, 0, 0, 15, 50, 250)),
        ("COIN", (0, 0, 0, 10, 25, 100)),
        ("ACE", (0, 0, 0, 5, 15, 75)),
        ("TEN", (0, 0, 0, 5, 10, 50)),
    ),
    wild="WILD",
    bonus="VAULT",
    bonus_min=3,
    wheel=WHEEL,
    # Ground truth for fault scenarios: one stop on reel 3 switched between ace and blank, -/+2.6 points.
    missets=(("under", (2, ((0, "BLANK"),))), ("over", (2, ((3, "ACE"),)))),
)
