"""Dragon Hoard: a five-reel video slot, high volatility carried by its free-spins feature.

Five 20-stop reels, a 3x5 window, ten lines. Wilds sit on reels 2-5; scatters on reels
1, 3 and 5. Three scatters pay 10x the bet and award 15 free spins, played on richer
reels (more wilds, wilds on reel 1 too) with every win tripled; three scatters during
free spins award 15 more. About 43% of the RTP comes from free spins.
"""

from __future__ import annotations

from spinscope.sim.games.reels import ReelRules, reel_strip

PAID_REELS = tuple(
    reel_strip(strip)
    for strip in (
        "J K Q A BLANK CHALICE GEM J GOLD K Q SCATTER J A BLANK CHALICE GEM K Q J",
        "Q J K A BLANK CHALICE GEM Q GOLD J K WILD Q A BLANK CHALICE GEM J K Q",
        "J K Q A BLANK CHALICE GEM GOLD J K Q SCATTER WILD A BLANK CHALICE GEM J K Q",
        "Q J K A BLANK CHALICE GEM Q GOLD J K WILD Q A BLANK CHALICE GEM J K Q",
        "J K Q A BLANK CHALICE GEM GOLD J K Q SCATTER WILD A BLANK CHALICE GEM J K Q",
    )
)

FREE_REELS = tuple(
    reel_strip(strip)
    for strip in (
        "J A BLANK CHALICE GEM GOLD K Q J J SCATTER J A BLANK CHALICE GEM GOLD K Q J",
        "Q WILD A BLANK CHALICE GEM GOLD J K Q WILD A BLANK CHALICE GEM GOLD J K Q WILD",
        "WILD A BLANK CHALICE GEM GOLD J K Q SCATTER WILD A BLANK CHALICE GEM GOLD J K Q WILD",
        "Q WILD A BLANK CHALICE GEM GOLD J K Q WILD A BLANK CHALICE GEM GOLD J K Q WILD",
        "WILD A BLANK CHALICE GEM GOLD J K Q SCATTER WILD A BLANK CHALICE GEM GOLD J K Q WILD",
    )
)

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
)

RULES = ReelRules(
    id="dragon-hoard",
    version="3.1.0",
    name="Dragon Hoard",
    reels=PAID_REELS,
    lines=LINES,
    # Pays in line-bet credits by run length 0..5 (a paid spin stakes 10 credits).
    line_pays=(
        ("WILD", (0, 0, 0, 50, 500, 5000)),
        ("GOLD", (0, 0, 0, 50, 250, 2500)),
        ("GEM", (0, 0, 0, 30, 100, 500)),
        ("CHALICE", (0, 0, 0, 20, 75, 250)),
        ("A", (0, 0, 0, 10, 30, 100)),
        ("K", (0, 0, 0, 8, 25, 80)),
        ("Q", (0, 0, 0, 6, 15, 50)),
        ("J", (0, 0, 0, 7, 10, 40)),
    ),
    wild="WILD",
    scatter="SCATTER",
    scatter_pays=(0, 0, 0, 10),
    free_spins_award=(0, 0, 0, 15),
    free_reels=FREE_REELS,
    free_spins_retrigger=(0, 0, 0, 15),
    free_multiplier=3,
    # Ground truth for fault scenarios: one symbol on reel 3 swapped between gem and ace, -/+2.6 points.
    missets=(("under", (2, ((6, "A"),))), ("over", (2, ((3, "GEM"),)))),
)
