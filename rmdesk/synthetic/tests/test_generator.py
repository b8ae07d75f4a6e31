"""The generator's frames: deterministic, valid identifiers, and money that adds up.

These run on a small bank (a few hundred customers in several chunks) without a database.
"""

from __future__ import annotations

import datetime
import hashlib
from decimal import Decimal

import numpy as np
import polars as pl
import pytest

from rmdesk.domain.amortisation import RepaymentMethod, repayment_schedule
from rmdesk.domain.identifiers import validate_bank_card_number, validate_resident_id, validate_unified_social_credit_code
from rmdesk.domain.statements import statement_problems
from rmdesk.synthetic.generate import generate_bank
from rmdesk.synthetic.generate.common import day_of
from rmdesk.synthetic.generate.loans import METHODS, Loans, schedule
from rmdesk.synthetic.names import FARM_TYPES
from rmdesk.synthetic.scales import Scale

SMALL = Scale(
    name="small", customers=400, loans=140, transactions=30_000, outlets=2, managers_per_outlet=2,
    guarantee_circles=4, departed_managers=1, interactions_per_manager=80, chunk_customers=150,
)
"""A bank small enough for tests, in three chunks so that chunking is exercised."""
AS_OF = datetime.date(2026, 10, 31)
WINDOW_START = datetime.date(2025, 11, 1)
CREDIT_LIKE = ("loan", "bill_discount", "credit_card", "acceptance_bill")


def bank_frames(seed: int, scale: Scale = SMALL) -> dict[str, pl.DataFrame]:
    """Every table of the bank of ``seed`` as one frame per model label."""
    parts: dict[str, list[pl.DataFrame]] = {}
    for label, frame in generate_bank(scale=scale, seed=seed, as_of=AS_OF).tables():
        parts.setdefault(label, []).append(frame)
    return {label: pl.concat(frames) for label, frames in parts.items()}


def digest(frames: dict[str, pl.DataFrame]) -> str:
    """One hash over every frame's rows, in order."""
    h = hashlib.sha256()
    for label in sorted(frames):
        h.update(label.encode())
        h.update(frames[label].write_csv().encode())
    return h.hexdigest()


@pytest.fixture(scope="module")
def frames() -> dict[str, pl.DataFrame]:
    return bank_frames(seed=7)


@pytest.fixture(scope="module")
def holdings(frames) -> pl.DataFrame:
    products = frames["products.Product"].select(pl.col("id").alias("product_id"), "family", "code")
    return frames["products.Holding"].join(products, on="product_id")


@pytest.fixture(scope="module")
def signed(frames, holdings) -> pl.DataFrame:
    """Transactions with the amount by which each moves its holding's balance."""
    families = holdings.select(pl.col("id").alias("holding_id"), "family")
    return frames["products.Transaction"].join(families, on="holding_id").with_columns(
        signed=pl.when((pl.col("direction") == "C") ^ pl.col("family").is_in(CREDIT_LIKE)).then(pl.col("amount")).otherwise(-pl.col("amount"))
    )


def test_the_same_seed_gives_the_same_bank_and_another_seed_another(frames):
    assert digest(bank_frames(seed=7)) == digest(frames)
    assert digest(bank_frames(seed=8)) != digest(frames)


def test_every_table_is_filled_and_sized_by_the_scale(frames):
    assert frames["customers.Customer"].height == SMALL.customers
    assert frames["credit.Loan"].height == SMALL.loans
    assert all(frame.height > 0 for frame in frames.values())
    assert 0.7 * SMALL.transactions < frames["products.Transaction"].height < 1.3 * SMALL.transactions
    for label, frame in frames.items():
        assert frame["id"].to_list() == list(range(1, frame.height + 1)), label


def test_customer_and_key_person_identifiers_validate(frames):
    customers = frames["customers.Customer"]
    for kind, number in customers.select("id_kind", "id_number").iter_rows():
        validate = validate_unified_social_credit_code if kind == "uscc" else validate_resident_id
        assert validate(number, **({} if kind == "uscc" else {"today": AS_OF})) == number
    assert customers["id_number"].n_unique() == customers.height
    firms = customers.filter(pl.col("id_kind") == "uscc")
    assert firms.filter(pl.col("kind") == "enterprise")["id_number"].str.starts_with("91369921").all()
    assert firms.filter(pl.col("kind") == "sole_proprietor")["id_number"].str.starts_with("92369921").all()
    for number in frames["customers.KeyPerson"]["id_number"]:
        assert validate_resident_id(number, today=AS_OF) == number


def test_individual_deposit_accounts_and_cards_are_luhn_valid(holdings):
    cards = holdings.filter(pl.col("code").is_in(["DP01", "CC01"]))
    assert cards.height > 0
    for number in cards["account_number"]:
        assert validate_bank_card_number(number) == number
    assert holdings["account_number"].n_unique() == holdings.height


def test_exactly_one_open_primary_per_customer_matching_the_customer(frames):
    book = frames["customers.BookAssignment"]
    open_primary = book.filter((pl.col("role") == "primary") & pl.col("ended_on").is_null())
    assert open_primary["customer_id"].sort().to_list() == frames["customers.Customer"]["id"].to_list()
    joined = frames["customers.Customer"].join(open_primary, left_on="id", right_on="customer_id")
    assert (joined["primary_manager_id"] == joined["manager_id"]).all()
    users = frames["org.User"].select(pl.col("id").alias("manager_id"), "org_unit_id", "is_active", "role")
    managers = joined.select("org_unit_id", "manager_id").join(users, on="manager_id", suffix="_manager")
    assert (managers["org_unit_id"] == managers["org_unit_id_manager"]).all()
    assert managers["is_active"].all()
    ended = book.filter(pl.col("ended_on").is_not_null())
    assert ended.height > 0 and (ended["ended_on"] >= ended["started_on"]).all()
    departed = users.filter(~pl.col("is_active"))["manager_id"]
    assert book.filter(pl.col("manager_id").is_in(departed.implode()))["ended_on"].is_not_null().all()
    assert book.filter(pl.col("role") == "assisting").height > 0


def test_balances_are_the_balance_brought_in_plus_the_transactions(frames, holdings, signed):
    carried = frames["products.DailyBalance"].filter(pl.col("on") < WINDOW_START).select("holding_id", carry="balance")
    moved = signed.group_by("holding_id").agg(pl.col("signed").sum())
    check = holdings.join(carried, left_on="id", right_on="holding_id", how="left").join(moved, left_on="id", right_on="holding_id", how="left")
    assert (check["carry"].fill_null(0) + check["signed"].fill_null(0) == check["balance"]).all()
    latest = frames["products.DailyBalance"].sort("on").group_by("holding_id").agg(pl.col("balance").last().alias("latest"))
    check = holdings.join(latest, left_on="id", right_on="holding_id")
    assert (check["latest"] == check["balance"]).all()


def test_each_daily_balance_is_the_previous_plus_that_days_transactions(frames, signed):
    by_day = signed.group_by("holding_id", "booked_on").agg(pl.col("signed").sum().alias("net"))
    series = frames["products.DailyBalance"].sort("holding_id", "on").with_columns(
        previous=pl.col("balance").shift(1).over("holding_id").fill_null(0)
    )
    series = series.join(by_day, left_on=["holding_id", "on"], right_on=["holding_id", "booked_on"], how="left")
    in_window = series.filter(pl.col("on") >= WINDOW_START)
    assert (in_window["previous"] + in_window["net"].fill_null(0) == in_window["balance"]).all()
    unrecorded = by_day.join(frames["products.DailyBalance"], left_on=["holding_id", "booked_on"], right_on=["holding_id", "on"], how="anti")
    assert (unrecorded["net"] == 0).all()


def test_deposits_are_never_negative_and_closed_holdings_are_empty(frames, holdings):
    families = holdings.select(pl.col("id").alias("holding_id"), "family")
    deposits = frames["products.DailyBalance"].join(families, on="holding_id").filter(~pl.col("family").is_in(CREDIT_LIKE))
    assert (deposits["balance"] >= 0).all()
    assert (frames["products.DailyBalance"]["balance"] >= 0).all()
    closed = holdings.filter(pl.col("closed_on").is_not_null())
    assert closed.height > 0 and (closed["balance"] == 0).all()
    late = frames["products.Transaction"].join(holdings.select(pl.col("id").alias("holding_id"), "opened_on", "closed_on"), on="holding_id")
    assert (late["booked_on"] >= late["opened_on"]).all()
    assert late.filter(pl.col("closed_on").is_not_null() & (pl.col("booked_on") > pl.col("closed_on"))).height == 0


def test_instalments_are_the_domain_repayment_schedule(frames):
    loans = frames["credit.Loan"]
    instalments = frames["credit.Instalment"].sort("loan_id", "number")
    for loan in loans.iter_rows(named=True):
        rows = instalments.filter(pl.col("loan_id") == loan["id"])
        expected = repayment_schedule(
            principal=Decimal(loan["principal"]).scaleb(-2), annual_rate=Decimal(loan["annual_rate"]).scaleb(-6),
            months=loan["term_months"], method=RepaymentMethod(loan["repayment_method"]), first_due_date=rows["due_on"][0],
        )
        got = [(r["due_on"], r["principal_due"], r["interest_due"]) for r in rows.iter_rows(named=True)]
        assert got == [(i.due_date, int(i.principal * 100), int(i.interest * 100)) for i in expected]
        assert expected[-1].due_date == loan["maturity_on"]


def test_the_column_wise_schedule_is_identical_to_the_domain_on_hundreds_of_loans():
    rng = np.random.default_rng(11)
    n = 400
    terms = rng.choice([1, 3, 12, 24, 36, 60, 120, 240, 360], n)
    principal = np.where(rng.random(n) < 0.05, rng.integers(1, 500, n), rng.integers(100_000, 5_000_000_000, n))
    rate = np.where(rng.random(n) < 0.05, 0, rng.integers(1, 200, n) * 500)
    first_due = np.array([day_of(datetime.date(2020, 1, 1)) + int(d) for d in rng.integers(0, 2000, n)])
    loans = Loans(
        customer=np.arange(n), product=np.zeros(n, int), principal=principal, rate=rate, term=terms,
        method=rng.integers(0, 3, n), guarantee=np.zeros(n, int), purpose=np.full(n, ""), disbursed=first_due - 31,
        first_due=first_due, maturity=first_due,
    )
    schedule(loans)
    for i in range(n):
        rows = loans.inst_loan == i
        expected = repayment_schedule(
            principal=Decimal(int(principal[i])).scaleb(-2), annual_rate=Decimal(int(rate[i])).scaleb(-6), months=int(terms[i]),
            method=RepaymentMethod(METHODS[loans.method[i]]), first_due_date=datetime.date(1970, 1, 1) + datetime.timedelta(days=int(first_due[i])),
        )
        assert loans.inst_principal[rows].tolist() == [int(e.principal * 100) for e in expected]
        assert loans.inst_interest[rows].tolist() == [int(e.interest * 100) for e in expected]
        assert [day_of(e.due_date) for e in expected] == loans.inst_due[rows].tolist()


def test_loans_owe_what_was_not_repaid_and_count_days_past_due(frames, holdings):
    loans = frames["credit.Loan"]
    paid = frames["credit.Instalment"].group_by("loan_id").agg(pl.col("principal_paid").sum())
    check = loans.join(paid, left_on="id", right_on="loan_id").join(holdings.select(pl.col("id").alias("holding_id"), holding_balance="balance"), on="holding_id")
    assert (check["principal"] - check["principal_paid"] == check["outstanding_principal"]).all()
    assert (check["outstanding_principal"] == check["holding_balance"]).all()
    overdue = frames["credit.Instalment"].filter((pl.col("due_on") <= AS_OF) & pl.col("settled_on").is_null())
    oldest = overdue.group_by("loan_id").agg(pl.col("due_on").min())
    check = loans.join(oldest, left_on="id", right_on="loan_id", how="left")
    expected = check.select(pl.when(pl.col("due_on").is_null()).then(0).otherwise((pl.lit(AS_OF) - pl.col("due_on")).dt.total_days())).to_series()
    assert (check["days_past_due"] == expected).all()


def test_statements_balance_and_report_more_than_the_bank_sees(frames, signed):
    lines = frames["customers.FinancialStatementLine"]
    statements = frames["customers.FinancialStatement"]
    grouped = lines.group_by("statement_id").agg("code", "amount")
    basis = dict(statements.select("id", "basis").iter_rows())
    for statement_id, codes, amounts in grouped.iter_rows():
        amounts = {c: Decimal(a).scaleb(-2) for c, a in zip(codes, amounts, strict=True)}
        assert statement_problems(basis[statement_id], amounts) == ()
    assert set(statements["basis"]) == {"small_enterprise", "household"}
    # The latest annual accounts: an interim statement's revenue covers only part of a year.
    annual = statements.filter((pl.col("basis") == "small_enterprise") & (pl.col("period_months") == 12))
    latest = annual.sort("period_end").group_by("customer_id").agg(pl.col("id").last())
    revenue = latest.join(lines.filter(pl.col("code") == "revenue"), left_on="id", right_on="statement_id")
    sales = signed.filter(pl.col("purpose") == "sales").group_by("customer_id").agg(pl.col("amount").sum().alias("inflows"))
    share = revenue.join(sales, on="customer_id")
    assert share.height > 0 and (share["inflows"] < share["amount"]).all()


def test_guarantee_circles_are_the_cycles_of_guarantor_links(frames):
    links = frames["customers.Relationship"].filter(pl.col("kind") == "guarantor")
    graph: dict[int, set[int]] = {}
    for frm, to in links.select("from_customer_id", "to_customer_id").iter_rows():
        graph.setdefault(frm, set()).add(to)
    truths = frames["synthetic.PlantedTruth"].filter(pl.col("kind") == "guarantee_circle")
    numbers = dict(frames["customers.Customer"].select("number", "id").iter_rows())
    circles = {tuple(pl.Series([d]).str.json_decode()[0]["members"]) for d in truths["detail"]}
    assert len(circles) == SMALL.guarantee_circles
    on_cycles = set()
    for members in circles:
        ids = [numbers[m] for m in members]
        assert len(ids) >= 3
        for a, b in zip(ids, ids[1:] + ids[:1], strict=True):
            assert b in graph.get(a, set())
        on_cycles.update(ids)
    # No other cycles: every node left after removing the circles' members is acyclic.
    state: dict[int, int] = {}

    def has_cycle(node: int) -> bool:
        state[node] = 1
        for nxt in graph.get(node, ()):
            if nxt in on_cycles:
                continue
            if state.get(nxt) == 1 or (state.get(nxt) is None and has_cycle(nxt)):
                return True
        state[node] = 2
        return False

    assert not any(has_cycle(n) for n in graph if n not in on_cycles and n not in state)


def test_planted_truths_of_every_kind_begin_within_the_twelve_months(frames):
    truths = frames["synthetic.PlantedTruth"]
    assert set(truths["kind"]) == {"deteriorating_borrower", "drifting_customer", "guarantee_circle"}
    assert ((truths["onset_on"] >= WINDOW_START) & (truths["onset_on"] <= AS_OF)).all()


def test_deteriorating_borrowers_earn_less_and_fall_behind(frames, signed):
    truths = frames["synthetic.PlantedTruth"].filter(pl.col("kind") == "deteriorating_borrower")
    loans = frames["credit.Loan"].filter(pl.col("customer_id").is_in(truths["customer_id"].implode()))
    assert (loans["days_past_due"] > 0).any()
    inflows = signed.filter(pl.col("purpose").is_in(["sales", "farm_sales", "salary"]))
    before_rate = after_rate = 0.0
    for customer, onset in truths.select("customer_id", "onset_on").iter_rows():
        mine = inflows.filter(pl.col("customer_id") == customer)
        settled = onset + datetime.timedelta(days=60)
        if settled >= AS_OF:
            continue
        before_rate += mine.filter(pl.col("booked_on") < onset)["amount"].sum() / max((onset - WINDOW_START).days, 1)
        after_rate += mine.filter(pl.col("booked_on") >= settled)["amount"].sum() / (AS_OF - settled).days
    assert after_rate < 0.8 * before_rate


def test_drifting_customers_move_their_money_out(frames, signed):
    truths = frames["synthetic.PlantedTruth"].filter(pl.col("kind") == "drifting_customer")
    out = signed.filter((pl.col("purpose") == "transfer") & (pl.col("direction") == "D")).join(truths.select("customer_id", "onset_on"), on="customer_id")
    drained = out.filter(pl.col("booked_on") > pl.col("onset_on"))["customer_id"].n_unique()
    assert drained >= 0.8 * truths.height


def test_farm_income_comes_in_the_harvest_months(frames, signed):
    rice = frames["customers.Customer"].filter(pl.col("occupation") == FARM_TYPES[0][0])
    sales = signed.filter((pl.col("purpose") == "farm_sales") & pl.col("customer_id").is_in(rice["id"].implode()))
    months = set(sales["booked_on"].dt.month())
    harvest = {m + 1 for m, weight in enumerate(FARM_TYPES[0][2]) if weight}
    assert months and months <= harvest


def test_salaries_arrive_monthly(frames, signed):
    salaries = signed.filter(pl.col("purpose") == "salary").group_by("customer_id").agg(pl.col("booked_on").dt.month().n_unique().alias("months"))
    assert salaries["months"].median() >= 11


def test_interactions_are_by_managers_holding_the_book(frames):
    book = frames["customers.BookAssignment"].filter(pl.col("ended_on").is_null())
    interactions = frames["desk.Interaction"].join(book, left_on=["customer_id", "manager_id"], right_on=["customer_id", "manager_id"], how="left")
    assert interactions["role"].is_not_null().all()
    assert interactions.height > 0.8 * SMALL.interactions
    assert interactions["summary"].str.len_chars().min() > 5


def test_documents_include_expired_and_soon_expiring_ones(frames):
    documents = frames["desk.Document"]
    expires = documents["expires_on"].drop_nulls()
    assert (expires < AS_OF).any()
    assert ((expires >= AS_OF) & (expires <= AS_OF + datetime.timedelta(days=90))).any()
