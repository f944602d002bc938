"""People's words for the format options on the New tournament form: labels, hints, the
words of each choice, and which options of a format are shown before "More options"."""

from __future__ import annotations

MAIN_OPTIONS: dict[str, tuple[str, ...]] = {
    "knockout": ("third_place",),
    "double_elimination": ("grand_final",),
    "round_robin": ("groups", "double"),
    "swiss": ("rounds",),
    "groups": ("groups", "advance", "third_place"),
    "heats": ("direction", "heat_size", "attempts", "advance"),
}
"""The options of each format shown first; the others wait under "More options"."""

FORMAT_HINTS = {
    "knockout": "Players are seeded by rating; a loss knocks a player out.",
    "double_elimination": "A player is out after a second loss.",
    "round_robin": "Everyone plays everyone; points decide the places.",
    "swiss": "Players with equal points meet each round.",
    "groups": "Round robins in groups, then a knockout of the best of each group.",
    "heats": "Everyone races or throws in heats; the best results go on.",
}

WORDS: dict[str, tuple[str, str]] = {
    "max_players": ("Maximum players", "Leave empty for no limit."),
    "seeding": ("Seeding", "How players are seeded where no seed was asked for."),
    "seeding_seed": (
        "Draw number for random seeding",
        "Used only with random seeding: the same number gives the same draw.",
    ),
    "points.win": ("Points for a win", ""),
    "points.draw": ("Points for a draw", "No more than a win."),
    "points.loss": ("Points for a loss", ""),
    "points.bye": ("Points for a bye", "Leave empty to count a bye as a win."),
    "tiebreaks": (
        "Tiebreak order",
        "Players level on points are split by these, first to last; then by drawing lots.",
    ),
    "lot_seed": (
        "Draw number for the lots",
        "Decides the drawing of lots that splits players still level: the same number "
        "gives the same draw.",
    ),
    "third_place": ("Play a match for third place", "Needs 4 players or more."),
    "grand_final": ("Grand final", ""),
    "rounds": ("Swiss rounds", "Leave empty for the usual number for the field."),
    "extra": (
        "Best-placed next players also going on",
        "Taken from the players placed just below those going on; fewer than the groups.",
    ),
    "distribution": ("How players are dealt to the groups", ""),
    "direction": ("Which results are better", ""),
    "heat_size": ("Players per heat", "Leave empty for one heat with everyone."),
    "attempts": ("Attempts per player", ""),
    "aggregate": ("How attempts count", ""),
    "timing.match_minutes": ("Match length (minutes)", ""),
    "timing.break_minutes": (
        "Break between matches (minutes)",
        "How long a field rests between two matches.",
    ),
    "timing.rest_minutes": (
        "Least rest for a player (minutes)",
        "Between two matches of the same player.",
    ),
    "check_in.opens_at": ("Check-in opens", ""),
    "check_in.closes_at": ("Check-in closes", "Players who have not checked in by then drop out."),
}
"""Label and hint of each option, by its place in the config."""

FORMAT_WORDS: dict[tuple[str, str], tuple[str, str]] = {
    ("round_robin", "groups"): ("Groups", "Parallel groups, each its own round robin."),
    ("round_robin", "double"): ("Everyone plays everyone twice", "Home and away swapped."),
    ("groups", "groups"): ("Groups", ""),
    ("groups", "advance"): ("Players going on from each group", ""),
    ("groups", "double"): ("Groups play everyone twice", "Home and away swapped."),
    ("groups", "third_place"): ("Play a knockout match for third place", ""),
    ("heats", "advance"): ("Players going on from each heat", "0: a single round."),
    ("swiss", "points.win"): ("Points for a win", "These points rank; pairing uses 1, ½, 0."),
}
"""Words of an option that means something different in one format."""

CHOICE_WORDS: dict[tuple[str, str], str] = {
    ("grand_final", "none"): "No grand final: the two bracket winners are first and second",
    ("grand_final", "simple"): "One match",
    ("grand_final", "reset"): "A second match if the losers-bracket winner wins the first",
    ("direction", "lower"): "Lower is better (times)",
    ("direction", "higher"): "Higher is better (scores, distances)",
    ("seeding", "rating"): "By rating, highest first",
    ("seeding", "enrollment"): "In the order players enrolled",
    ("seeding", "random"): "At random",
    ("seeding", "manual"): "By hand: every player must be given a seed",
    ("distribution", "snake"): "Snake order by seed (1 to last group, then back)",
    ("distribution", "balanced"): "Balanced: strongest first into the weakest group",
    ("aggregate", "best"): "The best attempt counts",
    ("aggregate", "sum"): "All attempts added up",
    ("tiebreaks", "head_to_head"): "Head-to-head",
    ("tiebreaks", "score_difference"): "Score difference",
    ("tiebreaks", "scores_for"): "Scores made",
    ("tiebreaks", "wins"): "Number of wins",
    ("tiebreaks", "buchholz"): "Buchholz",
    ("tiebreaks", "buchholz_cut1"): "Buchholz cut 1",
    ("tiebreaks", "median_buchholz"): "Median Buchholz",
    ("tiebreaks", "sonneborn_berger"): "Sonneborn-Berger",
    ("tiebreaks", "progressive"): "Progressive score",
    ("tiebreaks", "seed"): "Seed (better seed first)",
}
"""Words of each choice of a select or an order, by option name and value."""
