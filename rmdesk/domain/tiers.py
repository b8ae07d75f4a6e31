"""Customer value tiers by assets under management (AUM = deposits + wealth products, in yuan).

The thresholds are data (``TierPolicy``), so a bank changes them in configuration, not code.
"""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class TierPolicy:
    """Customer value tiers as ``(tier code, minimum AUM in yuan)`` pairs, highest tier first.

    Minimums must fall strictly from one tier to the next and the last (the floor) must be 0,
    so every AUM of 0 or more has exactly one tier and more AUM never gives a lower tier.
    Raises ``ValueError`` if the tiers break that.
    """

    tiers: tuple[tuple[str, Decimal], ...]

    def __post_init__(self) -> None:
        if not self.tiers:
            raise ValueError("a tier policy needs at least one tier")
        codes = self.codes
        if len(set(codes)) != len(codes):
            raise ValueError(f"tier codes must be distinct: {codes}")
        minimums = [minimum for _, minimum in self.tiers]
        if any(not isinstance(m, Decimal) or not m.is_finite() for m in minimums):
            raise ValueError("tier minimums must be finite Decimal amounts in yuan")
        if any(higher <= lower for higher, lower in zip(minimums, minimums[1:])):
            raise ValueError(f"tier minimums must fall strictly, highest tier first: {minimums}")
        if minimums[-1] != 0:
            raise ValueError(f"the lowest tier must start at 0 yuan, not {minimums[-1]}")

    @property
    def codes(self) -> tuple[str, ...]:
        """The tier codes, highest tier first."""
        return tuple(code for code, _ in self.tiers)


DEFAULT_TIER_POLICY = TierPolicy(
    tiers=(
        ("private", Decimal("6000000")),
        ("wealth", Decimal("500000")),
        ("affluent", Decimal("50000")),
        ("mass", Decimal("0")),
    )
)
"""Private banking 私行 (AUM >= 6,000,000 yuan: the regulator's long-standing definition of a
private-banking customer, net financial assets of 6 million yuan or more, as in the CBRC's
2011 measures on the sale of wealth-management products by commercial banks); wealth 财富
(>= 500,000), affluent 贵宾 (>= 50,000) and mass 大众 (everyone else): bank policy defaults."""


def value_tier(aum: Decimal, policy: TierPolicy = DEFAULT_TIER_POLICY) -> str:
    """Return the code of the highest tier whose minimum AUM ``aum`` reaches.

    ``aum`` is deposits plus wealth products in yuan (``Decimal`` or ``int``; a ``float`` is
    refused with ``TypeError``), 0 or more: a negative AUM is a data error and raises
    ``ValueError``. Thresholds: ``policy`` (bank policy default: ``DEFAULT_TIER_POLICY``).
    Law: more AUM never gives a lower tier.
    """
    if isinstance(aum, bool) or not isinstance(aum, Decimal | int):
        raise TypeError(f"AUM must be a Decimal amount in yuan, not {type(aum).__name__}")
    if isinstance(aum, Decimal) and not aum.is_finite():
        raise ValueError(f"AUM must be a finite amount, not {aum}")
    if aum < 0:
        raise ValueError(f"AUM is a sum of balances and cannot be negative, not {aum}")
    return next(code for code, minimum in policy.tiers if aum >= minimum)
