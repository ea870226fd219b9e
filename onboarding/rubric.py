"""Screening rubric and evaluation arithmetic, in Decimal, rounded half-up to 2 places.

weighted total = Σ(weight × score / max) / Σ(weight) × 100   (0–100)
combined      = screening × (100 − w)/100 + inspection × w/100   (w = inspection weight %)
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Line:
    weight: int
    max_score: int
    score: int


def weighted_total(lines: list[Line]) -> Decimal:
    total_weight = sum(line.weight for line in lines)
    if not lines or total_weight <= 0:
        raise ValueError("a rubric needs at least one criterion with a weight")
    for line in lines:
        if not 0 <= line.score <= line.max_score:
            raise ValueError(f"score {line.score} outside 0..{line.max_score}")
    earned = sum(Decimal(line.weight) * Decimal(line.score) / Decimal(line.max_score) for line in lines)
    return (earned / Decimal(total_weight) * 100).quantize(CENT, rounding=ROUND_HALF_UP)


def passes(total: Decimal, pass_mark: Decimal) -> bool:
    return total >= pass_mark


def combined_score(screening: Decimal, inspection: Decimal, inspection_weight: int) -> Decimal:
    if not 0 <= inspection_weight <= 100:
        raise ValueError("the inspection weight is a percentage")
    w = Decimal(inspection_weight) / 100
    return (Decimal(screening) * (1 - w) + Decimal(inspection) * w).quantize(CENT, rounding=ROUND_HALF_UP)
