"""The portfolio batch: every customer's facts gathered column-wise, then assessed by the domain.

One query per table over the whole bank (rmdesk.marketing.frames); the arithmetic over them in
Polars (time-weighted balances over windows, income per 30 days, products held, what was closed,
money moved to own accounts elsewhere); then, customer by customer in memory, the domain's
rules (rmdesk.marketing.assessment.assess). Nothing here asks the database about one customer.

``load_portfolio`` reads the frames for a range of days; ``attrition_frame`` reads the radar's
inputs for any business date inside that range, so a benchmark can replay the radar day by day
from one load; ``portfolio_facts`` yields each customer's ``CustomerFacts`` for the last day.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import polars as pl

from rmdesk.domain.attrition import AttritionFacts, AttritionPolicy, IncomeSource
from rmdesk.domain.classification import Category
from rmdesk.domain.policy import ApplicationFacts, Outcome, Rule, check_restricted_industry
from rmdesk.domain.segments import value_tier
from rmdesk.marketing import frames
from rmdesk.marketing.assessment import (
    INCOME_SOURCES,
    CustomerFacts,
    Market,
    average_yuan,
    holding_position,
    knowledge_facts,
    per_30_days,
)
from rmdesk.marketing.configuration import MarketingConfiguration
from rmdesk.marketing.defaults import MONTHLY_FROM_DAYS, PRIOR_FLOOR, PRIOR_PSEUDO_CUSTOMERS, PROFILE_FIELDS, PROFIT_WINDOW_DAYS, UNRATED_PD

DAY = datetime.timedelta(days=1)
SAVINGS_FAMILIES = ("deposit", "wealth")
"""Assets under management, and the balances the attrition radar watches."""
CLOSING_FAMILIES = ("deposit", "wealth", "payroll_agency", "settlement", "e_banking", "insurance_agency")
"""Products whose closing says a customer is leaving (credit is repaid, not left)."""
MATURITY_TOLERANCE_DAYS = 3
"""A product with a term closed within 3 days of a whole number of terms from opening matured
(weekends and holidays move the day); closed at any other time, it was closed early."""
CATEGORY_RANK = {category.value: category.rank for category in Category}


@dataclass
class PortfolioData:
    """The whole bank's frames for the days ``start`` to ``as_of`` (see the module)."""

    start: datetime.date
    as_of: datetime.date
    customers: pl.DataFrame
    products: pl.DataFrame
    holdings: pl.DataFrame
    balances: pl.DataFrame
    loans: pl.DataFrame
    ratings: pl.DataFrame
    classifications: pl.DataFrame
    flows: pl.DataFrame
    activity: pl.DataFrame
    own_transfers: pl.DataFrame
    other_banks: pl.DataFrame
    knowledge: pl.DataFrame

    @property
    def history_from(self) -> datetime.date:
        """The first day the bank has transactions for (the reference windows start no earlier)."""
        first = self.activity["first_on"].min()
        return max(first, self.start) if first is not None else self.start


def load_portfolio(*, as_of: datetime.date, start: datetime.date | None = None) -> PortfolioData:
    """Read the frames of the whole bank for ``start`` (default: a year before ``as_of``) to ``as_of``."""
    start = start or as_of - datetime.timedelta(days=PROFIT_WINDOW_DAYS - 1)
    products = frames.product_frame()
    holdings = frames.holding_frame(start=start, as_of=as_of).join(products.select("product_id", "code", "family"), on="product_id")
    return PortfolioData(
        start=start,
        as_of=as_of,
        customers=frames.customer_frame().filter(pl.col("customer_since") <= as_of),
        products=products,
        holdings=holdings,
        balances=frames.balance_frame(start=start, as_of=as_of),
        loans=frames.loan_terms_frame(),
        ratings=frames.rating_frame(as_of=as_of),
        classifications=frames.classification_frame(),
        flows=frames.flow_frame(start=start, as_of=as_of),
        activity=frames.activity_frame(as_of=as_of, outflow_from=as_of - datetime.timedelta(days=MONTHLY_FROM_DAYS - 1)),
        own_transfers=frames.own_transfer_frame(start=start, as_of=as_of),
        other_banks=frames.other_bank_frame(as_of=as_of),
        knowledge=frames.knowledge_frame(as_of=as_of),
    )


# --- balances over windows ---------------------------------------------------------------------------


def balance_segments(data: PortfolioData) -> pl.DataFrame:
    """Each holding's balance and the days it held: from each change (the carried balance from
    the day before ``start``) until the day before the next change, or open-ended (null)."""
    carry = data.holdings.select("holding_id", pl.lit(data.start - DAY).alias("on"), pl.col("carry_fen").alias("balance_fen"))
    return (
        pl.concat([carry, data.balances.select("holding_id", "on", "balance_fen")])
        .sort("holding_id", "on")
        .with_columns(pl.col("on").shift(-1).over("holding_id").alias("next_on"))
    )


def window_sums(segments: pl.DataFrame, windows: dict[str, tuple[datetime.date, datetime.date]]) -> pl.DataFrame:
    """Per holding, for each named window (first day, last day), the sum of the end-of-day
    balance over its days (fen x days): the time-weighted balance the window's average is."""
    sums = []
    for name, (first, last) in windows.items():
        lo = pl.max_horizontal(pl.col("on"), pl.lit(first))
        hi = pl.min_horizontal(pl.col("next_on").fill_null(last + DAY) - DAY, pl.lit(last))
        days = ((hi - lo).dt.total_days() + 1).clip(lower_bound=0)
        sums.append((pl.col("balance_fen") * days).sum().alias(name))
    return segments.group_by("holding_id").agg(sums)


def balances_at(segments: pl.DataFrame, day: datetime.date) -> pl.DataFrame:
    """Every holding's end-of-day balance on ``day`` (fen)."""
    return (
        segments.filter(pl.col("on") <= day)
        .group_by("holding_id")
        .agg(pl.col("balance_fen").sort_by("on").last().alias("balance_fen"))
    )


# --- the attrition radar's inputs ----------------------------------------------------------------------


def closed_early(holdings: pl.DataFrame, terms_months: dict[int, int | None]) -> pl.Expr:
    """Whether each closed holding closed other than by maturing (``MATURITY_TOLERANCE_DAYS``):
    a product without a term always did; one with a term did unless it closed near a whole
    number of terms from its opening."""
    term = pl.col("product_id").replace_strict(terms_months, default=None, return_dtype=pl.Int64)
    months = (pl.col("closed_on").dt.year() - pl.col("opened_on").dt.year()) * 12 + pl.col("closed_on").dt.month() - pl.col("opened_on").dt.month()
    terms = (months.cast(pl.Float64) / term).round(0).cast(pl.Int64).clip(lower_bound=1)
    maturity = pl.col("opened_on").dt.offset_by(pl.format("{}mo", terms * term))
    near = (pl.col("closed_on") - maturity).dt.total_days().abs() <= MATURITY_TOLERANCE_DAYS
    return term.is_null() | ~near


def attrition_frame(
    data: PortfolioData,
    *,
    as_of: datetime.date,
    policy: AttritionPolicy,
    terms_months: dict[int, int | None],
    segments: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Per customer, the radar's inputs on ``as_of`` (inside the data's range), column-wise.

    Windows (rmdesk.domain.attrition.AttritionPolicy): recent = the last ``recent_days`` to
    ``as_of``; reference = the ``reference_days`` before, from ``history_from`` at the
    earliest. Columns: time-weighted deposit and wealth balances (fen x days) and the days of
    each window; regular income in each window (fen) and its largest source; codes of the
    products closed early in the recent window; banks and amounts of money sent to own accounts
    at banks not sent to in the reference window; banks newly recorded by the account manager.
    """
    segments = balance_segments(data) if segments is None else segments
    recent_from = as_of - datetime.timedelta(days=policy.recent_days - 1)
    reference_from = max(data.history_from, recent_from - datetime.timedelta(days=policy.reference_days))
    reference_to = recent_from - DAY
    savings = data.holdings.filter(pl.col("family").is_in(SAVINGS_FAMILIES)).select("holding_id", "customer_id")
    sums = window_sums(segments.join(savings, on="holding_id", how="semi"), {"before_fd": (reference_from, reference_to), "now_fd": (recent_from, as_of)})
    balances = sums.join(savings, on="holding_id").group_by("customer_id").agg(pl.col("before_fd").sum(), pl.col("now_fd").sum())

    income = data.flows.filter(pl.col("flow").is_in(list(INCOME_SOURCES)))
    before = income.filter(pl.col("booked_on").is_between(reference_from, reference_to))
    income_before = before.group_by("customer_id").agg(pl.col("amount_fen").sum().alias("income_before_fen"))
    source = (
        before.group_by("customer_id", "flow")
        .agg(pl.col("amount_fen").sum())
        .sort(["customer_id", "amount_fen", "flow"], descending=[False, True, False])
        .unique("customer_id", keep="first", maintain_order=True)
        .select("customer_id", pl.col("flow").alias("income_source"))
    )
    income_now = (
        income.filter(pl.col("booked_on").is_between(recent_from, as_of))
        .group_by("customer_id")
        .agg(pl.col("amount_fen").sum().alias("income_now_fen"))
    )

    closed = (
        data.holdings.filter(pl.col("family").is_in(CLOSING_FAMILIES) & pl.col("closed_on").is_between(recent_from, as_of))
        .filter(closed_early(data.holdings, terms_months))
        .group_by("customer_id")
        .agg(pl.col("code").unique().sort().alias("closed_codes"))
    )

    sent = data.own_transfers
    known = sent.filter(pl.col("booked_on").is_between(reference_from, reference_to)).select("customer_id", "bank").unique()
    moved = (
        sent.filter(pl.col("booked_on").is_between(recent_from, as_of))
        .join(known, on=["customer_id", "bank"], how="anti")
        .group_by("customer_id", "bank")
        .agg(pl.col("amount_fen").sum())
        .sort("customer_id", "bank")
        .group_by("customer_id", maintain_order=True)
        .agg(pl.col("bank").alias("moved_banks"), pl.col("amount_fen").alias("moved_fen"))
    )
    recorded = (
        data.other_banks.filter(pl.col("recorded_on").is_between(recent_from, as_of))
        .group_by("customer_id")
        .agg(pl.col("bank").unique().sort().alias("recorded_banks"))
    )
    out = data.customers.select("customer_id")
    for other in (balances, income_before, income_now, source, closed, moved, recorded):
        out = out.join(other, on="customer_id", how="left")
    return out.with_columns(
        pl.col("before_fd").fill_null(0),
        pl.col("now_fd").fill_null(0),
        pl.col("income_before_fen").fill_null(0),
        pl.col("income_now_fen").fill_null(0),
        pl.lit((reference_to - reference_from).days + 1).alias("before_days"),
        pl.lit(policy.recent_days).alias("now_days"),
    )


def attrition_facts(row: dict) -> AttritionFacts:
    """One customer's ``AttritionFacts`` from their row of ``attrition_frame``."""
    return AttritionFacts(
        balance_before=average_yuan(row["before_fd"], row["before_days"]),
        balance_now=average_yuan(row["now_fd"], row["now_days"]),
        income_before=per_30_days(row["income_before_fen"], row["before_days"]),
        income_now=per_30_days(row["income_now_fen"], row["now_days"]),
        income_source=INCOME_SOURCES.get(row["income_source"] or "", IncomeSource.INCOME),
        products_closed=tuple(row["closed_codes"] or ()),
        moved_to_competitors={bank: Decimal(amount).scaleb(-2) for bank, amount in zip(row["moved_banks"] or (), row["moved_fen"] or ())},
        competitor_products=tuple(row["recorded_banks"] or ()),
    )


# --- bank-wide figures the offers read ----------------------------------------------------------------


def open_on(day: datetime.date) -> pl.Expr:
    """Holdings open at the end of ``day``."""
    return (pl.col("opened_on") <= day) & (pl.col("closed_on").is_null() | (pl.col("closed_on") > day))


def market_frame(customers: pl.DataFrame, holdings: pl.DataFrame, *, codes: list[str]) -> tuple[Market, pl.DataFrame]:
    """The share of each segment (kind, tier) holding each product, and the median balance of
    each product's open holdings among each kind (at least 5 of them; else the product's typical
    amount applies), from ``customers`` (customer_id, kind, tier) and open ``holdings``
    (customer_id, code, balance_fen). Also the acceptance prior by segment and product
    (``PRIOR_PSEUDO_CUSTOMERS``, towards at least ``PRIOR_FLOOR``) of every product of ``codes``,
    as a frame: kind, tier, code, prior."""
    held = holdings.select("customer_id", "code").unique().join(customers.select("customer_id", "kind", "tier"), on="customer_id")
    segments = customers.group_by("kind", "tier").agg(pl.len().alias("segment"))
    kinds = customers.group_by("kind").agg(pl.len().alias("of_kind"))
    holders = held.group_by("kind", "tier", "code").agg(pl.len().alias("holders"))
    kind_holders = held.group_by("kind", "code").agg(pl.len().alias("kind_holders"))
    shares = (
        holders.join(segments, on=["kind", "tier"])
        .join(kind_holders, on=["kind", "code"])
        .join(kinds, on="kind")
    )
    peer_share = {
        (r["kind"], r["tier"], r["code"]): Decimal(r["holders"]) / Decimal(r["segment"]) for r in shares.iter_rows(named=True)
    }
    amounts = (
        holdings.join(customers.select("customer_id", "kind"), on="customer_id")
        .filter(pl.col("balance_fen") > 0)
        .group_by("kind", "code")
        .agg(pl.col("balance_fen").median().alias("median_fen"), pl.len().alias("n"))
        .filter(pl.col("n") >= 5)
    )
    amount = {(r["kind"], r["code"]): Decimal(int(round(r["median_fen"]))).scaleb(-2) for r in amounts.iter_rows(named=True)}
    prior = (
        segments.join(pl.DataFrame({"code": codes}, schema={"code": pl.String}), how="cross")
        .join(holders, on=["kind", "tier", "code"], how="left")
        .join(kind_holders, on=["kind", "code"], how="left")
        .join(kinds, on="kind")
        .with_columns(pl.col("holders").fill_null(0), pl.col("kind_holders").fill_null(0))
        .with_columns(
            (
                (pl.col("holders") + PRIOR_PSEUDO_CUSTOMERS * pl.max_horizontal(pl.col("kind_holders") / pl.col("of_kind"), pl.lit(PRIOR_FLOOR)))
                / (pl.col("segment") + PRIOR_PSEUDO_CUSTOMERS)
            ).alias("prior")
        )
        .select("kind", "tier", "code", "prior")
    )
    return Market(peer_share=peer_share, amount=amount), prior


# --- every customer's facts ----------------------------------------------------------------------------


def _fen_yuan(value: int | None) -> Decimal:
    return Decimal(int(value or 0)).scaleb(-2)


def _micro(value: int | None) -> Decimal | None:
    return None if value is None else Decimal(int(value)).scaleb(-6)


def restricted_industries(industries: list[str], configuration: MarketingConfiguration, *, as_of: datetime.date) -> frozenset[str]:
    """The industries on file that the credit policy's restricted-industry rule fails
    (rmdesk.domain.policy.check_restricted_industry), each industry checked once."""
    failing = set()
    for industry in industries:
        facts = ApplicationFacts(
            on=as_of, product_family="loan", amount=Decimal(1), industry=industry, grade=None, rated_on=None,
            customer_loans=Decimal(0), net_capital=Decimal(1),
        )
        if check_restricted_industry(facts, configuration.credit_policy).outcome is Outcome.FAILED:
            failing.add(industry)
    return frozenset(failing)


def policy_failures_of(industry: str, restricted: frozenset[str], configuration: MarketingConfiguration) -> dict[str, tuple[str, ...]]:
    """For a customer in ``industry``, the credit products the restricted-industry rule fails."""
    if industry not in restricted:
        return {}
    return {p.code: (Rule.RESTRICTED_INDUSTRY.value,) for p in configuration.products if p.offer.credit}


def customer_level_frame(data: PortfolioData, *, as_of: datetime.date, configuration: MarketingConfiguration, segments: pl.DataFrame) -> pl.DataFrame:
    """Per customer, everything but their holdings' positions: AUM, products and families held,
    first product opened, rating, classification, knowledge days, activity, monthly income and
    wages, idle money, and the radar's inputs."""
    now = balances_at(segments, as_of)
    holdings = data.holdings.join(now, on="holding_id", how="left").with_columns(pl.col("balance_fen").fill_null(0))
    open_now = holdings.filter(open_on(as_of))
    terms = configuration.terms_by_product
    current = [pid for pid, t in terms.items() if t.term_months is None]
    aum = open_now.filter(pl.col("family").is_in(SAVINGS_FAMILIES)).group_by("customer_id").agg(pl.col("balance_fen").sum().alias("aum_fen"))
    current_money = (
        open_now.filter((pl.col("family") == "deposit") & pl.col("product_id").is_in(current))
        .group_by("customer_id")
        .agg(pl.col("balance_fen").sum().alias("current_fen"))
    )
    held = open_now.group_by("customer_id").agg(
        pl.col("code").unique().sort().alias("held_codes"),
        pl.col("family").n_unique().alias("families_held"),
        pl.len().alias("open_products"),
    )
    first = data.holdings.group_by("customer_id").agg(pl.col("opened_on").min().alias("first_opened_on"))
    worst = (
        data.classifications.with_columns(pl.col("category").replace_strict(CATEGORY_RANK, return_dtype=pl.Int64).alias("rank"))
        .group_by("customer_id")
        .agg(pl.col("rank").max())
        .with_columns(pl.col("rank").replace_strict({v: k for k, v in CATEGORY_RANK.items()}, return_dtype=pl.String).alias("classification"))
        .select("customer_id", "classification")
    )
    salary_from = as_of - datetime.timedelta(days=MONTHLY_FROM_DAYS - 1)
    monthly = (
        data.flows.filter(pl.col("booked_on").is_between(salary_from, as_of))
        .group_by("customer_id")
        .agg(
            pl.col("amount_fen").filter(pl.col("flow").is_in(["salary", "pension"])).sum().alias("salary_fen"),
            pl.col("amount_fen").filter(pl.col("flow") == "sales").sum().alias("sales_fen"),
            pl.col("amount_fen").filter(pl.col("flow") == "wages").sum().alias("wages_fen"),
        )
    )
    radar = attrition_frame(
        data, as_of=as_of, policy=configuration.attrition, segments=segments,
        terms_months={pid: t.term_months for pid, t in terms.items()},
    )
    out = data.customers
    for other in (aum, current_money, held, first, data.ratings, worst, data.knowledge, data.activity, monthly, radar):
        out = out.join(other, on="customer_id", how="left")
    return out


def position_frame(data: PortfolioData, *, as_of: datetime.date, segments: pl.DataFrame) -> pl.DataFrame:
    """Per customer, the list of holdings held during the year to ``as_of``: product, family,
    time-weighted balance over the year, days held in it, and a loan's rate and term."""
    year_from = as_of - datetime.timedelta(days=PROFIT_WINDOW_DAYS - 1)
    sums = window_sums(segments, {"year_fd": (year_from, as_of)})
    held_from = pl.max_horizontal(pl.col("opened_on"), pl.lit(year_from))
    held_to = pl.min_horizontal(pl.col("closed_on").fill_null(as_of), pl.lit(as_of))
    return (
        data.holdings.filter(pl.col("closed_on").is_null() | (pl.col("closed_on") >= year_from))
        .join(sums, on="holding_id", how="left")
        .join(data.loans, on="holding_id", how="left")
        .with_columns(
            pl.col("year_fd").fill_null(0),
            ((held_to - held_from).dt.total_days() + 1).clip(lower_bound=0).alias("days_held"),
        )
        .sort("customer_id", "holding_id")
        .group_by("customer_id", maintain_order=True)
        .agg(pl.struct("holding_id", "product_id", "family", "year_fd", "days_held", "rate_micro", "term_months").alias("positions"))
    )


def portfolio_facts(data: PortfolioData, *, configuration: MarketingConfiguration, segments: pl.DataFrame) -> Iterator[CustomerFacts]:
    """Every customer's ``CustomerFacts`` on ``data.as_of``, in customer order (``segments``:
    ``balance_segments(data)``)."""
    as_of = data.as_of
    level = customer_level_frame(data, as_of=as_of, configuration=configuration, segments=segments)
    positions = position_frame(data, as_of=as_of, segments=segments)
    frame = level.join(positions, on="customer_id", how="left").sort("customer_id")
    restricted = restricted_industries(frame["industry"].unique().to_list(), configuration, as_of=as_of)
    for row in frame.iter_rows(named=True):
        yield customer_facts(row, configuration=configuration, restricted=restricted)


def customer_facts(row: dict, *, configuration: MarketingConfiguration, restricted: frozenset[str]) -> CustomerFacts:
    """One customer's facts from their row of the joined customer-level and position frames."""
    kind = row["kind"]
    terms = configuration.terms_by_product
    positions = tuple(
        holding_position(
            reference=str(p["holding_id"]),
            family=p["family"],
            terms=terms[p["product_id"]],
            kind=kind,
            average_balance=average_yuan(p["year_fd"], PROFIT_WINDOW_DAYS),
            days_held=p["days_held"],
            loan_rate=_micro(p["rate_micro"]),
            loan_term=p["term_months"],
        )
        for p in row["positions"] or ()
    )
    filled = {name for name in PROFILE_FIELDS[kind] if row.get(f"has_{name}")}
    if row["industry"] and row["industry"] != "Z":
        filled.add("industry")
    confirmed = {area: row[f"confirmed_{area}"] for area in ("profile", "key_people", "interests", "competitors")}
    pd = _micro(row["pd_micro"]) if row["pd_micro"] is not None else _micro(row["latest_pd_micro"])
    usual_payments = per_30_days(row["outflow_fen"] or 0, MONTHLY_FROM_DAYS)
    return CustomerFacts(
        customer_id=row["customer_id"],
        kind=kind,
        industry=row["industry"],
        customer_since=row["customer_since"],
        aum=_fen_yuan(row["aum_fen"]),
        families_held=row["families_held"] or 0,
        held=frozenset(row["held_codes"] or ()),
        positions=positions,
        pd=pd if pd is not None else UNRATED_PD,
        grade=row["grade"],
        classification=row["classification"],
        knowledge=knowledge_facts(
            kind=kind,
            customer_since=row["customer_since"],
            filled=frozenset(filled),
            key_people=row["key_people"] or 0,
            statements_on=row["statements_on"],
            interests_recorded_on=row["interests_recorded_on"],
            competitors_recorded_on=row["competitors_recorded_on"],
            confirmed=confirmed,
            last_visit_on=row["last_visit_on"],
        ),
        first_opened_on=row["first_opened_on"],
        open_products=row["open_products"] or 0,
        last_own_transaction_on=row["last_own_on"],
        last_contact_on=row["last_contact_on"],
        attrition=attrition_facts(row),
        idle_balance=max(Decimal(0), _fen_yuan(row["current_fen"]) - usual_payments),
        monthly_salary_here=per_30_days(row["salary_fen"] or 0, MONTHLY_FROM_DAYS),
        monthly_sales_here=per_30_days(row["sales_fen"] or 0, MONTHLY_FROM_DAYS),
        monthly_wages_paid=per_30_days(row["wages_fen"] or 0, MONTHLY_FROM_DAYS),
        policy_failures=policy_failures_of(row["industry"], restricted, configuration),
    )


def segment_frame(data: PortfolioData, *, as_of: datetime.date, segments: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Per customer their kind and value tier on ``as_of`` (by the domain's ``value_tier`` of
    their AUM, once per distinct AUM), and the holdings open on ``as_of`` with their balances."""
    now = balances_at(segments, as_of)
    open_now = data.holdings.filter(open_on(as_of)).join(now, on="holding_id", how="left").with_columns(pl.col("balance_fen").fill_null(0))
    aum = open_now.filter(pl.col("family").is_in(SAVINGS_FAMILIES)).group_by("customer_id").agg(pl.col("balance_fen").sum().alias("aum_fen"))
    customers = data.customers.select("customer_id", "kind").join(aum, on="customer_id", how="left").with_columns(pl.col("aum_fen").fill_null(0))
    tiers = {fen: value_tier(Decimal(fen).scaleb(-2)) for fen in customers["aum_fen"].unique().to_list()}
    customers = customers.with_columns(pl.col("aum_fen").replace_strict(tiers, return_dtype=pl.String).alias("tier"))
    return customers, open_now.select("customer_id", "code", "product_id", "balance_fen")

