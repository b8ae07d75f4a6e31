"""The synthetic bank, generated column-wise: deterministic for a seed, chunked by customers.

``generate_bank(scale=..., seed=..., as_of=...)`` plans the bank (org, customers, loans,
fates, holdings, counterparties: arrays of a few hundred thousand rows at county scale) and
returns a ``SyntheticBank`` whose ``tables()`` yields ``(model label, frame)`` pairs in an
order that satisfies every foreign key: the bank-wide tables first, then holdings, loans,
instalments, transactions and daily balances chunk by chunk of customers (so the ten million
transactions of the county bank are never all in memory), then the planted truths. Frames
hold explicit integer ids, money in integer fen and rates in integer millionths.

Every part draws from its own random stream derived from the seed (``common.rng_for``), and
nothing depends on the clock or on hash order, so the same seed gives the same bank.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from rmdesk.synthetic.generate.book import generate_book
from rmdesk.synthetic.generate.chunk import Chunk
from rmdesk.synthetic.generate.common import Window, rng_for
from rmdesk.synthetic.generate.contracts import contract_flows
from rmdesk.synthetic.generate.counterparties import Pool, generate_pool
from rmdesk.synthetic.generate.customers import Customers, generate_customers
from rmdesk.synthetic.generate.desk import generate_documents, generate_interactions
from rmdesk.synthetic.generate.fates import Fates, generate_fates
from rmdesk.synthetic.generate.flows import customer_flows
from rmdesk.synthetic.generate.holdings import Holdings, generate_holdings, products_frame
from rmdesk.synthetic.generate.ledger import Ledger
from rmdesk.synthetic.generate.links import Circles, generate_links
from rmdesk.synthetic.generate.loans import Loans, generate_loan_terms, loan_status, pay, schedule
from rmdesk.synthetic.generate.org import Org, generate_org
from rmdesk.synthetic.generate.people import People, generate_people
from rmdesk.synthetic.generate.settle import settle
from rmdesk.synthetic.generate.statements import generate_statements
from rmdesk.synthetic.generate.tables import balances_frame, holdings_frame, loans_frames, transactions_frame
from rmdesk.synthetic.generate.truth import generate_truths
from rmdesk.synthetic.scales import Scale

__all__ = ["SyntheticBank", "generate_bank"]

STATIC_TABLES = (
    "org.OrgUnit", "org.User", "products.Product", "customers.Customer", "customers.KeyPerson",
    "customers.Relationship", "customers.BookAssignment", "customers.FinancialStatement",
    "customers.FinancialStatementLine", "desk.Interaction", "desk.Document",
)
CHUNK_TABLES = ("products.Holding", "credit.Loan", "credit.Instalment", "products.Transaction", "products.DailyBalance")
TRUTH_TABLE = "synthetic.PlantedTruth"
_INTEREST_CREDITS = 4
_LEAST_ACTIVITY = 0.05


@dataclass
class SyntheticBank:
    """A planned synthetic bank; ``tables()`` generates its rows.

    ``act`` is the multiplier of discretionary activity calibrated to the scale's target
    number of transactions; ``circles`` the guarantee circles planted.
    """

    scale: Scale
    seed: int
    window: Window
    org: Org
    customers: Customers
    people: People
    loans: Loans
    fates: Fates
    holdings: Holdings
    pool: Pool
    act: float
    relationships: pl.DataFrame
    circles: Circles
    status: dict[str, np.ndarray] = field(repr=False)

    @property
    def chunks(self) -> int:
        """Number of chunks of customers the flows are generated in."""
        return -(-self.customers.n // self.scale.chunk_customers)

    def static_tables(self) -> Iterator[tuple[str, pl.DataFrame]]:
        """The bank-wide tables, in foreign-key order."""
        c = self.customers
        yield "org.OrgUnit", self.org.units
        yield "org.User", self.org.users
        yield "products.Product", products_frame()
        yield "customers.Customer", c.frame
        yield "customers.KeyPerson", self.people.frame
        yield "customers.Relationship", self.relationships
        book = generate_book(self.scale, self.seed, self.window, self.org, c)
        yield "customers.BookAssignment", book
        statements, lines = generate_statements(self.seed, self.window, c, self.loans)
        yield "customers.FinancialStatement", statements
        yield "customers.FinancialStatementLine", lines
        borrower = np.zeros(c.n, dtype=bool)
        borrower[self.loans.customer] = True
        yield "desk.Interaction", generate_interactions(self.scale, self.seed, self.window, c, self.fates, borrower, book)
        yield "desk.Document", generate_documents(self.seed, self.window, c, self.loans)

    def chunk(self, index: int) -> Chunk:
        """Chunk ``index`` of the customers, with its range of holdings."""
        lo = index * self.scale.chunk_customers
        hi = min(lo + self.scale.chunk_customers, self.customers.n)
        h_lo, h_hi = np.searchsorted(self.holdings.customer, [lo, hi]).tolist()
        return Chunk(
            index=index, lo=lo, hi=hi, h_lo=h_lo, h_hi=h_hi, window=self.window, customers=self.customers,
            holdings=self.holdings, loans=self.loans, fates=self.fates, pool=self.pool, act=self.act,
        )

    def chunk_tables(self, index: int, first_transaction_id: int, first_balance_id: int) -> list[tuple[str, pl.DataFrame]]:
        """Holdings, loans, instalments, transactions and daily balances of one chunk."""
        ch = self.chunk(index)
        ledger = Ledger()
        flows_rng = rng_for(self.seed, "flows", index)
        customer_flows(ch, flows_rng, ledger)
        contract_flows(ch, flows_rng, ledger)
        balances, _, _ = settle(ch, rng_for(self.seed, "ledger", index), ledger)
        loans, instalments = loans_frames(ch, self.status)
        return [
            ("products.Holding", holdings_frame(ch, balances, self.status)),
            ("credit.Loan", loans),
            ("credit.Instalment", instalments),
            ("products.Transaction", transactions_frame(ch, ledger, first_transaction_id)),
            ("products.DailyBalance", balances_frame(ch, balances, first_balance_id)),
        ]

    def truths(self) -> pl.DataFrame:
        """The planted truths, without the seed run they belong to."""
        return generate_truths(self.window, self.customers, self.loans, self.status, self.fates, self.holdings, self.circles)

    def tables(self) -> Iterator[tuple[str, pl.DataFrame]]:
        """Every table of the bank in load order: bank-wide, chunk by chunk, then the truths."""
        yield from self.static_tables()
        next_ids = {"products.Transaction": 1, "products.DailyBalance": 1}
        for index in range(self.chunks):
            for label, frame in self.chunk_tables(index, next_ids["products.Transaction"], next_ids["products.DailyBalance"]):
                if label in next_ids:
                    next_ids[label] += frame.height
                yield label, frame
        yield TRUTH_TABLE, self.truths()


def generate_bank(*, scale: Scale, seed: int, as_of: datetime.date) -> SyntheticBank:
    """Plan the synthetic bank of ``scale`` for ``seed``, with 12 months of flows up to ``as_of``."""
    if seed < 0:
        raise ValueError(f"the seed must be 0 or more, not {seed}")
    window = Window(as_of)
    org = generate_org(scale, seed, as_of)
    customers = generate_customers(scale, seed, window, org)
    people = generate_people(seed, window, customers)
    loans = generate_loan_terms(scale, seed, window, customers)
    active_borrower = np.zeros(customers.n, dtype=bool)
    active_borrower[loans.customer[loans.maturity > window.last + 30]] = True
    fates = generate_fates(scale, seed, window, customers.since, active_borrower)
    schedule(loans)
    pay(seed, window, loans, fates)
    holdings = generate_holdings(seed, window, customers, loans, fates)
    pool = generate_pool(seed, customers, holdings)
    relationships, circles = generate_links(scale, seed, window, customers, people, loans, fates)
    bank = SyntheticBank(
        scale=scale, seed=seed, window=window, org=org, customers=customers, people=people, loans=loans, fates=fates,
        holdings=holdings, pool=pool, act=1.0, relationships=relationships, circles=circles, status=loan_status(loans, window.last),
    )
    bank.act = _calibrated_activity(bank)
    return bank


def _calibrated_activity(bank: SyntheticBank) -> float:
    """The activity multiplier that brings the bank's transactions near the scale's target.

    Counts are linear in the multiplier: the chunks at the start, middle and end of the
    customers (old, middle-aged and new relationships) are drawn with no discretionary
    activity and with the base activity, and the bank's totals estimated from them; settling
    adds about four interest credits a customer a year.
    """
    sample = sorted({0, bank.chunks // 2, bank.chunks - 1})
    counted = []
    for act in (0.0, 1.0):
        total = 0
        for index in sample:
            ch = bank.chunk(index)
            ch.act = act
            ledger = Ledger()
            rng = rng_for(bank.seed, "flows", index)
            customer_flows(ch, rng, ledger)
            contract_flows(ch, rng, ledger)
            total += len(ledger)
        counted.append(total)
    sampled = sum(bank.chunk(index).hi - bank.chunk(index).lo for index in sample)
    fixed = counted[0] * bank.customers.n / sampled + _INTEREST_CREDITS * bank.customers.n
    discretionary = (counted[1] - counted[0]) * bank.customers.n / sampled
    return max(_LEAST_ACTIVITY, (bank.scale.transactions - fixed) / max(discretionary, 1.0))
