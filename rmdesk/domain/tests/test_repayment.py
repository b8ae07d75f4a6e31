"""Repayments against the schedule (oldest first, interest before principal) and days past due."""

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rmdesk.domain.amortisation import RepaymentMethod, repayment_schedule
from rmdesk.domain.repayment import (
    RepaymentError,
    RepaymentErrorCode,
    ScheduledInstalment,
    allocate_repayment,
    amount_owed,
    apply_allocation,
    arrears,
    InstalmentPayment,
    days_past_due,
    payoff_schedule,
    penalty_interest,
)


def schedule(paid_through: int = 0) -> tuple[ScheduledInstalment, ...]:
    """120,000 yuan at 6% over 12 months, equal principal: 10,000 principal a month, interest
    600.00, 550.00, 500.00 ...; the first `paid_through` instalments paid on their due day."""
    rows = repayment_schedule(
        principal=Decimal("120000"), annual_rate=Decimal("0.06"), months=12,
        method=RepaymentMethod.EQUAL_PRINCIPAL, first_due_date=date(2026, 1, 10),
    )
    return tuple(
        ScheduledInstalment(
            r.number, r.due_date, r.principal, r.interest,
            principal_paid=r.principal if r.number <= paid_through else Decimal("0.00"),
            interest_paid=r.interest if r.number <= paid_through else Decimal("0.00"),
            settled_on=r.due_date if r.number <= paid_through else None,
        )
        for r in rows
    )


def test_a_payment_goes_to_the_oldest_instalment_interest_before_principal():
    result = allocate_repayment(schedule(paid_through=2), amount=Decimal("10500.00"), paid_on=date(2026, 3, 10))
    # Instalment 3: 500.00 interest, then 10,000.00 principal: exactly paid.
    assert [(line.number, line.interest, line.principal, line.settles) for line in result.lines] == [
        (3, Decimal("500.00"), Decimal("10000.00"), True)
    ]


def test_a_partial_payment_pays_the_interest_first_and_stays_on_the_instalment():
    before = schedule(paid_through=2)
    result = allocate_repayment(before, amount=Decimal("2000.00"), paid_on=date(2026, 3, 12))
    assert [(line.number, line.interest, line.principal, line.settles) for line in result.lines] == [
        (3, Decimal("500.00"), Decimal("1500.00"), False)
    ]
    after = apply_allocation(before, result)
    third = after[2]
    assert (third.interest_paid, third.principal_paid, third.settled_on, third.owed) == (
        Decimal("500.00"), Decimal("1500.00"), None, Decimal("8500.00")
    )


def test_a_second_partial_payment_completes_the_instalment_and_settles_it_that_day():
    first = allocate_repayment(schedule(2), amount=Decimal("2000.00"), paid_on=date(2026, 3, 12))
    after_first = apply_allocation(schedule(2), first)
    second = allocate_repayment(after_first, amount=Decimal("8500.00"), paid_on=date(2026, 3, 20))
    after = apply_allocation(after_first, second)
    assert second.lines[0].interest == Decimal("0.00") and second.lines[0].principal == Decimal("8500.00")
    assert after[2].settled_on == date(2026, 3, 20) and after[2].owed == 0


def test_a_payment_covering_two_missed_instalments_pays_the_older_one_first():
    result = allocate_repayment(schedule(1), amount=Decimal("20000.00"), paid_on=date(2026, 3, 15))
    # Instalment 2: 550 + 10,000; instalment 3: 500 interest and 8,950 of its principal.
    assert [(line.number, line.interest, line.principal) for line in result.lines] == [
        (2, Decimal("550.00"), Decimal("10000.00")),
        (3, Decimal("500.00"), Decimal("8950.00")),
    ]
    assert (result.interest, result.principal) == (Decimal("1050.00"), Decimal("18950.00"))


def test_a_payment_beyond_what_is_due_pays_the_next_instalment_ahead():
    result = allocate_repayment(schedule(2), amount=Decimal("11000.00"), paid_on=date(2026, 3, 1))
    assert [line.number for line in result.lines] == [3, 4]
    assert result.lines[1].interest == Decimal("450.00") and result.lines[1].principal == Decimal("50.00")


def test_more_than_the_schedule_still_owes_is_refused_naming_what_is_owed():
    owed = amount_owed(schedule(11))
    assert owed == Decimal("10050.00")
    with pytest.raises(RepaymentError) as refused:
        allocate_repayment(schedule(11), amount=Decimal("10050.01"), paid_on=date(2026, 12, 10))
    assert refused.value.code is RepaymentErrorCode.EXCEEDS_OWED
    assert "10,050.00" in refused.value.message


def test_nothing_can_be_repaid_on_a_repaid_schedule():
    with pytest.raises(RepaymentError) as refused:
        allocate_repayment(schedule(12), amount=Decimal("1.00"), paid_on=date(2027, 1, 1))
    assert refused.value.code is RepaymentErrorCode.NOTHING_OWED


@pytest.mark.parametrize("amount", [Decimal("0"), Decimal("-5.00"), Decimal("10.005"), 100, 99.5])
def test_an_amount_that_is_not_more_than_0_yuan_in_fen_is_refused(amount):
    with pytest.raises(RepaymentError) as refused:
        allocate_repayment(schedule(), amount=amount, paid_on=date(2026, 1, 10))
    assert refused.value.code is RepaymentErrorCode.AMOUNT_INVALID


def test_a_payment_before_disbursement_or_before_the_last_one_is_refused():
    with pytest.raises(RepaymentError) as early:
        allocate_repayment(schedule(), amount=Decimal("100.00"), paid_on=date(2025, 12, 1), disbursed_on=date(2025, 12, 10))
    assert early.value.code is RepaymentErrorCode.BEFORE_DISBURSEMENT
    with pytest.raises(RepaymentError) as out_of_order:
        allocate_repayment(schedule(), amount=Decimal("100.00"), paid_on=date(2026, 2, 1), last_paid_on=date(2026, 2, 2))
    assert out_of_order.value.code is RepaymentErrorCode.DATE_OUT_OF_ORDER


def test_a_schedule_with_more_paid_than_due_is_refused():
    with pytest.raises(RepaymentError) as refused:
        ScheduledInstalment(1, date(2026, 1, 10), Decimal("100.00"), Decimal("5.00"), principal_paid=Decimal("100.01"))
    assert refused.value.code is RepaymentErrorCode.SCHEDULE_INVALID


def test_days_past_due_count_from_the_oldest_instalment_not_fully_paid():
    # Instalments 1 and 2 paid; 3 (due 2026-03-10) is not: on 2026-04-15 it is 36 days late.
    assert days_past_due(schedule(2), as_of=date(2026, 4, 15)) == 36


def test_on_its_due_day_an_unpaid_instalment_is_not_yet_past_due():
    assert days_past_due(schedule(2), as_of=date(2026, 3, 10)) == 0
    assert days_past_due(schedule(2), as_of=date(2026, 3, 11)) == 1


def test_an_instalment_with_only_its_interest_unpaid_is_past_due():
    paid_principal = schedule(2)[:2] + (
        ScheduledInstalment(3, date(2026, 3, 10), Decimal("10000.00"), Decimal("500.00"), principal_paid=Decimal("10000.00")),
    )
    assert days_past_due(paid_principal, as_of=date(2026, 3, 31)) == 21


def test_days_past_due_as_of_a_past_date_count_a_later_settlement_as_unpaid():
    late = tuple(replace(i, settled_on=date(2026, 2, 25)) if i.number == 2 else i for i in schedule(2))
    assert days_past_due(late, as_of=date(2026, 2, 20)) == 10
    assert days_past_due(late, as_of=date(2026, 2, 25)) == 0


def test_an_instalment_of_nothing_is_never_past_due():
    empty = (ScheduledInstalment(1, date(2026, 1, 10), Decimal("0.00"), Decimal("0.00")),)
    assert days_past_due(empty, as_of=date(2026, 6, 1)) == 0


def test_arrears_are_what_is_owed_on_instalments_past_their_due_day():
    assert arrears(schedule(1), as_of=date(2026, 3, 11)) == Decimal("10550.00") + Decimal("10500.00")
    assert arrears(schedule(1), as_of=date(2026, 3, 10)) == Decimal("10550.00")


payments = st.lists(st.integers(min_value=1, max_value=5_000_000), min_size=1, max_size=8)


@given(paid_through=st.integers(0, 11), fen=payments)
def test_every_fen_paid_is_allocated_and_never_more_than_owed(paid_through, fen):
    current = schedule(paid_through)
    day = date(2026, 1, 1)
    for amount in (Decimal(f) / 100 for f in fen):
        if amount > amount_owed(current):
            break
        allocation = allocate_repayment(current, amount=amount, paid_on=day)
        assert sum((line.amount for line in allocation.lines), Decimal(0)) == amount
        after = apply_allocation(current, allocation)
        assert amount_owed(after) == amount_owed(current) - amount
        assert all(i.owed >= 0 for i in after)
        current = after
        day += timedelta(days=3)


@given(paid_through=st.integers(0, 11), fen=st.integers(min_value=1, max_value=13_000_000))
def test_no_instalment_is_paid_while_an_older_one_is_owed(paid_through, fen):
    before = schedule(paid_through)
    amount = min(Decimal(fen) / 100, amount_owed(before))
    after = apply_allocation(before, allocate_repayment(before, amount=amount, paid_on=date(2026, 6, 1)))
    touched = [a.number for b, a in zip(before, after, strict=True) if a != b]
    for number in touched:
        assert all(i.owed == 0 for i in after if i.number < number)
    # Within an instalment, principal is paid only once its interest is.
    assert all(i.principal_paid == 0 or i.interest_owed == 0 for i in after)


@given(paid_through=st.integers(0, 12), first=st.integers(0, 500), more=st.integers(0, 500))
def test_while_nothing_is_paid_days_past_due_never_fall(paid_through, first, more):
    plan = schedule(paid_through)
    start = date(2026, 1, 1) + timedelta(days=first)
    assert days_past_due(plan, as_of=start + timedelta(days=more)) >= days_past_due(plan, as_of=start)


def test_an_early_repayment_owes_the_principal_and_the_interest_accrued_to_the_day_at_rate_over_360():
    # Two instalments paid; repaid on 1 March, 19 days into the period that began on 10 February:
    # 100,000.00 x 6% x 19 / 360 = 316.67; the later periods owe no interest.
    reset = payoff_schedule(schedule(paid_through=2), paid_on=date(2026, 3, 1), annual_rate=Decimal("0.06"), period_started_on=date(2026, 2, 10))
    assert [i.interest_due for i in reset[2:5]] == [Decimal("316.67"), Decimal("0.00"), Decimal("0.00")]
    assert reset[:2] == schedule(paid_through=2)[:2]
    assert amount_owed(reset) == Decimal("100316.67")
    settled = apply_allocation(reset, allocate_repayment(reset, amount=amount_owed(reset), paid_on=date(2026, 3, 1)))
    assert amount_owed(settled) == 0
    assert days_past_due(settled, as_of=date(2027, 6, 1)) == 0


def test_an_early_repayment_with_arrears_owes_them_in_full():
    # Instalment 3 (due 10 March) is unpaid; repaid on 20 March: its 500.00 interest is owed, and
    # 10 days' interest on the 90,000.00 principal of the later instalments, 150.00.
    reset = payoff_schedule(schedule(paid_through=2), paid_on=date(2026, 3, 20), annual_rate=Decimal("0.06"), period_started_on=date(2026, 3, 10))
    assert reset[2].interest_due == Decimal("500.00")
    assert reset[3].interest_due == Decimal("150.00")
    assert amount_owed(reset) == Decimal("100650.00")


def test_an_early_repayment_dated_before_its_period_is_refused():
    with pytest.raises(RepaymentError) as refused:
        payoff_schedule(schedule(), paid_on=date(2026, 1, 5), annual_rate=Decimal("0.06"), period_started_on=date(2026, 1, 10))
    assert refused.value.code is RepaymentErrorCode.DATE_OUT_OF_ORDER


@given(paid_through=st.integers(0, 11), day=st.integers(0, 400))
def test_repaying_early_never_costs_more_than_the_schedule_and_never_waives_principal(paid_through, day):
    original = schedule(paid_through)
    paid_on = date(2026, 1, 10) + timedelta(days=day) if paid_through else date(2025, 12, 10) + timedelta(days=day)
    earlier = [i.due_on for i in original if i.due_on <= paid_on]
    started = max(earlier) if earlier else date(2025, 12, 10)
    reset = payoff_schedule(original, paid_on=paid_on, annual_rate=Decimal("0.06"), period_started_on=started)
    assert amount_owed(reset) <= amount_owed(original)
    assert sum(i.principal_owed for i in reset) == sum(i.principal_owed for i in original)


RATE, MARKUP = Decimal("0.06"), Decimal("0.50")


def test_an_instalment_paid_late_owes_penalty_and_compound_interest_for_the_days_late():
    # Instalment 1 (10,000.00 principal, 600.00 interest, due 10 January) paid on 20 January:
    # 10,600.00 x 10 days x 6% x 1.5 / 360 = 26.50.
    paid = [InstalmentPayment(1, date(2026, 1, 20), Decimal("600.00"), Decimal("10000.00"))]
    assert penalty_interest(schedule(), paid, as_of=date(2026, 1, 31), annual_rate=RATE, markup=MARKUP) == Decimal("26.50")


def test_a_partial_payment_lowers_what_accrues_from_its_day():
    # 5,600.00 paid on the 15th: 10,600.00 x 5 days, then 5,000.00 x 10 days to the 25th:
    # (53,000 + 50,000) x 0.00025 = 25.75.
    paid = [InstalmentPayment(1, date(2026, 1, 15), Decimal("600.00"), Decimal("5000.00"))]
    assert penalty_interest(schedule(), paid, as_of=date(2026, 1, 25), annual_rate=RATE, markup=MARKUP) == Decimal("25.75")


def test_an_instalment_paid_on_its_due_date_owes_no_penalty():
    paid = [InstalmentPayment(1, date(2026, 1, 10), Decimal("600.00"), Decimal("10000.00"))]
    assert penalty_interest(schedule(), paid, as_of=date(2026, 2, 1), annual_rate=RATE, markup=MARKUP) == Decimal("0.00")
    assert penalty_interest(schedule(), [], as_of=date(2026, 1, 10), annual_rate=RATE, markup=MARKUP) == Decimal("0.00")


def test_a_payment_goes_to_the_penalty_owed_before_the_schedule():
    allocation = allocate_repayment(schedule(), amount=Decimal("100.00"), paid_on=date(2026, 1, 20), penalty_owed=Decimal("26.50"))
    assert allocation.penalty == Decimal("26.50")
    assert allocation.interest == Decimal("73.50") and allocation.principal == 0
    with pytest.raises(RepaymentError) as refused:
        allocate_repayment(schedule(), amount=amount_owed(schedule()) + Decimal("26.51"), paid_on=date(2026, 1, 20), penalty_owed=Decimal("26.50"))
    assert refused.value.code is RepaymentErrorCode.EXCEEDS_OWED


@given(days=st.integers(0, 400), later=st.integers(0, 400))
def test_penalty_never_falls_as_time_passes_and_paying_sooner_never_costs_more(days, later):
    as_of = date(2026, 1, 10) + timedelta(days=days)
    unpaid = penalty_interest(schedule(), [], as_of=as_of, annual_rate=RATE, markup=MARKUP)
    assert penalty_interest(schedule(), [], as_of=as_of + timedelta(days=later), annual_rate=RATE, markup=MARKUP) >= unpaid
    paid_first = [InstalmentPayment(1, date(2026, 1, 10) + timedelta(days=min(days, later)), Decimal("600.00"), Decimal("10000.00"))]
    paid_then = [InstalmentPayment(1, date(2026, 1, 10) + timedelta(days=max(days, later)), Decimal("600.00"), Decimal("10000.00"))]
    end = date(2027, 6, 1)
    assert penalty_interest(schedule(), paid_first, as_of=end, annual_rate=RATE, markup=MARKUP) <= penalty_interest(
        schedule(), paid_then, as_of=end, annual_rate=RATE, markup=MARKUP
    )


def test_what_was_paid_before_the_desk_recorded_payments_counts_from_its_settlement_day():
    # Instalment 1 shows paid in full, settled on 13 January, with no payment recorded here:
    # 3 days late, 10,600.00 x 3 x 0.00025 = 7.95; instalment 2 paid on its due date owes nothing.
    loaded = schedule(paid_through=2)
    loaded = (replace(loaded[0], settled_on=date(2026, 1, 13)), *loaded[1:])
    assert penalty_interest(loaded, [], as_of=date(2026, 3, 1), annual_rate=RATE, markup=MARKUP) == Decimal("7.95")
