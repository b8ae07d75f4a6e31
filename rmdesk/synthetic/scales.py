"""How big a synthetic bank to seed: the demo bank and the reference county bank (DESIGN.md §6)."""

from __future__ import annotations

from dataclasses import dataclass

from rmdesk.synthetic.names import TOWNSHIPS


@dataclass(frozen=True)
class Scale:
    """The size and mix of a synthetic bank.

    ``transactions`` is a target over the 12 months: the generator sets the customers' level
    of activity from it, so the count seeded lands near it, not on it. ``loans`` is exact.
    Customers are split by kind in the shares given (individuals take the rest); there are
    ``managers_per_outlet`` account managers for each of ``outlets`` outlets (one outlet per
    township, so at most as many outlets as townships), staffed to the outlets in proportion
    to their customers. ``chunk_customers`` is how
    many customers' transactions are generated and loaded at a time: it bounds memory, and it
    is part of the scale because the random streams are drawn per chunk.
    """

    name: str
    customers: int
    loans: int
    transactions: int
    outlets: int
    managers_per_outlet: int
    outlets_per_branch: int = 10
    enterprise_share: float = 0.05
    sole_proprietor_share: float = 0.12
    farmer_household_share: float = 0.33
    guarantee_circles: int = 0
    deteriorating_share: float = 0.05
    """Share of borrowers whose business turns bad within the 12 months."""
    drifting_share: float = 0.04
    """Share of customers who start moving their business to another bank within the 12 months."""
    handover_share: float = 0.2
    """Share of customers whose book changed hands before (an ended primary assignment)."""
    assisting_share: float = 0.08
    """Share of customers with an assisting account manager as well as the primary one."""
    interactions_per_manager: int = 900
    """Visits, calls and meetings an account manager records in 12 months."""
    departed_managers: int = 1
    """Account managers who have left the bank: they appear only in the book's history."""
    chunk_customers: int = 10_000

    def __post_init__(self) -> None:
        if self.customers < 50:
            raise ValueError(f"a synthetic bank needs at least 50 customers, not {self.customers}")
        if not 0 < self.loans <= self.customers * 2:
            raise ValueError(f"loans must be between 1 and twice the customers, not {self.loans}")
        if not 1 <= self.outlets <= len(TOWNSHIPS):
            raise ValueError(f"outlets must be 1 to {len(TOWNSHIPS)} (one per township), not {self.outlets}")
        if self.managers_per_outlet < 1 or self.outlets_per_branch < 1 or self.chunk_customers < 1:
            raise ValueError("managers per outlet, outlets per branch and the chunk size must be at least 1")
        shares = (self.enterprise_share, self.sole_proprietor_share, self.farmer_household_share)
        if any(s < 0 for s in shares) or sum(shares) >= 1:
            raise ValueError("customer kind shares must be non-negative and leave a share for individuals")
        for name in ("deteriorating_share", "drifting_share", "handover_share", "assisting_share"):
            if not 0 <= getattr(self, name) < 1:
                raise ValueError(f"{name} must be a fraction from 0 up to 1")

    @property
    def account_managers(self) -> int:
        """Serving account managers in all outlets."""
        return self.outlets * self.managers_per_outlet

    @property
    def branches(self) -> int:
        """Branches (支行 level under head office), each grouping up to ``outlets_per_branch`` outlets."""
        return -(-self.outlets // self.outlets_per_branch)

    @property
    def interactions(self) -> int:
        """Visits, calls and meetings recorded in the 12 months by all account managers."""
        return self.account_managers * self.interactions_per_manager


SCALES: dict[str, Scale] = {
    "demo": Scale(
        name="demo",
        customers=3_000,
        loans=800,
        transactions=300_000,
        outlets=4,
        managers_per_outlet=3,
        guarantee_circles=8,
        chunk_customers=3_000,
    ),
    "county": Scale(
        name="county",
        customers=200_000,
        loans=50_000,
        transactions=10_000_000,
        outlets=30,
        managers_per_outlet=10,
        guarantee_circles=300,
        departed_managers=12,
        chunk_customers=10_000,
    ),
}
"""The demo bank that `make demo` seeds, and the reference county bank of the benchmarks."""
