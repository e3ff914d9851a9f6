"""The draw's spreading of the work (no database); the conflict-of-interest rule that decides
who is eligible is tested with the services."""

import pytest

from jiebang.evaluation.draw import DrawError, draw


def test_every_eligible_rater_when_no_number_is_given():
    eligible = {1: ["a", "b"], 2: ["a", "b", "c"]}
    drawn = draw(eligible, per_nomination=None)
    assert {n: set(raters) for n, raters in drawn.items()} == {1: {"a", "b"}, 2: {"a", "b", "c"}}


def test_the_load_is_even_and_only_eligible_raters_are_drawn():
    raters = [f"r{i}" for i in range(6)]
    eligible = {n: [r for r in raters if (n + int(r[1])) % 5] for n in range(30)}
    drawn = draw(eligible, per_nomination=3, seed=7)
    load = {r: 0 for r in raters}
    for n, chosen in drawn.items():
        assert len(chosen) == len(set(chosen)) == 3
        assert set(chosen) <= set(eligible[n])
        for r in chosen:
            load[r] += 1
    assert max(load.values()) - min(load.values()) <= 2


def test_kinds_are_mixed_and_the_seed_makes_it_repeatable():
    eligible = {n: ["e1", "e2", "m1", "p1"] for n in range(4)}
    kinds = {"e1": "expert", "e2": "expert", "m1": "media", "p1": "public"}
    first = draw(eligible, per_nomination=2, kinds=kinds, seed=3)
    assert first == draw(eligible, per_nomination=2, kinds=kinds, seed=3)
    for chosen in first.values():
        assert len({kinds[r] for r in chosen}) == 2


def test_too_few_eligible_raters():
    with pytest.raises(DrawError) as e:
        draw({1: ["a"], 2: []}, per_nomination=None)
    assert e.value.nomination == 2
    with pytest.raises(DrawError) as e:
        draw({1: ["a"]}, per_nomination=2)
    assert (e.value.eligible, e.value.needed) == (1, 2)
