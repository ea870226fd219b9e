from decimal import Decimal

import pytest

from onboarding.rubric import Line, combined_score, passes, weighted_total


def test_it_weights_each_criterion_by_its_share_of_the_maximum():
    # 20×8/10 + 20×6/10 + 15×10/10 + 20×5/10 + 15×7/10 + 10×9/10 = 16+12+15+10+10.5+9 = 72.5 of 100
    lines = [
        Line(20, 10, 8),
        Line(20, 10, 6),
        Line(15, 10, 10),
        Line(20, 10, 5),
        Line(15, 10, 7),
        Line(10, 10, 9),
    ]
    assert weighted_total(lines) == Decimal("72.50")


def test_it_normalises_weights_that_do_not_add_up_to_100_and_mixed_maxima():
    # (3×4/5 + 1×1/2) / 4 × 100 = (2.4 + 0.5) / 4 × 100 = 72.5
    assert weighted_total([Line(3, 5, 4), Line(1, 2, 1)]) == Decimal("72.50")


def test_it_rounds_half_up_to_two_places():
    # 1/3 × 100 = 33.333… → 33.33 ; 2/3 → 66.67
    assert weighted_total([Line(1, 3, 1)]) == Decimal("33.33")
    assert weighted_total([Line(1, 3, 2)]) == Decimal("66.67")
    assert weighted_total([Line(1, 8, 1)]) == Decimal("12.50")


def test_it_gives_the_extremes():
    assert weighted_total([Line(5, 10, 0), Line(5, 10, 0)]) == Decimal("0.00")
    assert weighted_total([Line(5, 10, 10), Line(7, 4, 4)]) == Decimal("100.00")


def test_the_pass_mark_is_inclusive():
    assert passes(Decimal("60.00"), Decimal("60"))
    assert not passes(Decimal("59.99"), Decimal("60"))


def test_it_refuses_scores_outside_the_range_and_an_empty_rubric():
    with pytest.raises(ValueError):
        weighted_total([Line(1, 10, 11)])
    with pytest.raises(ValueError):
        weighted_total([Line(1, 10, -1)])
    with pytest.raises(ValueError):
        weighted_total([])


def test_it_combines_screening_and_inspection_by_the_inspection_weight():
    assert combined_score(Decimal("72.50"), Decimal("85"), 40) == Decimal("77.50")  # 43.5 + 34
    assert combined_score(Decimal("80"), Decimal("60"), 0) == Decimal("80.00")
    assert combined_score(Decimal("80"), Decimal("60"), 100) == Decimal("60.00")
    assert combined_score(Decimal("70.01"), Decimal("70.02"), 50) == Decimal("70.02")  # 70.015 half-up
    with pytest.raises(ValueError):
        combined_score(Decimal("1"), Decimal("1"), 101)
