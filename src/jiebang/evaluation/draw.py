"""Drawing the panel's raters for each nomination, free of Django: who may score what is
decided by the caller (the conflict-of-interest rule, services.conflict_of_interest); this only
spreads the work.

Each nomination gets `per_nomination` raters among those eligible for it (all of them when
None). Nominations with the fewest eligible raters are served first; among the eligible, the
raters with the fewest sheets so far come first, then a kind of member (expert, media, public
supervisor) the nomination does not have yet, then a seeded random order — so the same input
and seed always give the same draw, and the load stays even.
"""

import random
from collections.abc import Hashable


class DrawError(Exception):
    """A nomination has fewer eligible raters than it needs; `nomination` says which."""

    def __init__(self, nomination: Hashable, eligible: int, needed: int):
        super().__init__(f"{nomination}: {eligible} eligible raters, {needed} needed")
        self.nomination = nomination
        self.eligible = eligible
        self.needed = needed


def draw(
    eligible: dict[Hashable, list[Hashable]],
    *,
    per_nomination: int | None,
    kinds: dict[Hashable, str] | None = None,
    seed: int = 0,
) -> dict[Hashable, list[Hashable]]:
    """nomination → its raters. `eligible` maps each nomination to the raters who may score
    it. DrawError when a nomination has no eligible rater, or fewer than `per_nomination`."""
    kinds = kinds or {}
    rng = random.Random(seed)
    load: dict[Hashable, int] = {}
    tiebreak: dict[Hashable, float] = {}
    for raters in eligible.values():
        for rater in raters:
            load.setdefault(rater, 0)
    for rater in sorted(load, key=str):
        tiebreak[rater] = rng.random()
    result: dict[Hashable, list[Hashable]] = {}
    for nomination in sorted(eligible, key=lambda n: (len(eligible[n]), str(n))):
        raters = list(dict.fromkeys(eligible[nomination]))
        needed = len(raters) if per_nomination is None else per_nomination
        if not raters or len(raters) < needed:
            raise DrawError(nomination, len(raters), max(needed, 1))
        chosen: list[Hashable] = []
        while len(chosen) < needed:
            have = {kinds.get(r) for r in chosen}
            best = min(
                (r for r in raters if r not in chosen),
                key=lambda r: (load[r], kinds.get(r) in have, tiebreak[r], str(r)),
            )
            chosen.append(best)
            load[best] += 1
        result[nomination] = chosen
    return result
