"""Where a customer's ratio stands among its industry: better than most, typical, or worse.

Benchmarks are quartiles of a ratio among peers (an industry, or all customers of a basis):
the lower quartile, the median and the upper quartile. Their source is data the bank chooses:
the Ministry of Finance / SASAC enterprise performance standard values (企业绩效评价标准值),
an association's survey, or the quartiles of the bank's own borrowers.
"""

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class BenchmarkPosition(StrEnum):
    """A ratio's place among its peers, in the direction in which the ratio is better."""

    BETTER_THAN_MOST = "better_than_most"
    """Better than the best quarter's threshold: better than three peers in four."""
    TYPICAL = "typical"
    """Between the quartiles (inclusive): as the middle half of peers."""
    WORSE_THAN_MOST = "worse_than_most"
    """Worse than the worst quarter's threshold: worse than three peers in four."""


@dataclass(frozen=True)
class Quartiles:
    """The lower quartile, median and upper quartile of a ratio among peers (same unit as the ratio)."""

    lower: Decimal
    median: Decimal
    upper: Decimal

    def __post_init__(self) -> None:
        if not self.lower <= self.median <= self.upper:
            raise ValueError(f"quartiles must be in order, lower <= median <= upper: {self.lower}, {self.median}, {self.upper}")


def benchmark_position(value: Decimal | None, quartiles: Quartiles, *, higher_is_better: bool) -> BenchmarkPosition | None:
    """The position of ``value`` among peers with ``quartiles``; ``None`` when there is no value.

    Rule: above the upper quartile when higher is better (below the lower one when lower is
    better) is better than most; beyond the other quartile is worse than most; on or between
    the quartiles is typical.
    """
    if value is None:
        return None
    good, bad = (quartiles.upper, quartiles.lower) if higher_is_better else (quartiles.lower, quartiles.upper)
    if (value > good) if higher_is_better else (value < good):
        return BenchmarkPosition.BETTER_THAN_MOST
    if (value < bad) if higher_is_better else (value > bad):
        return BenchmarkPosition.WORSE_THAN_MOST
    return BenchmarkPosition.TYPICAL
