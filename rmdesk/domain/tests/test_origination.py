"""The credit file: a complete application, the investigation checklist, entrusted payment, the ladder."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rmdesk.domain.authority import ApprovalLevel, AuthorityLimit, approval_route
from rmdesk.domain.origination import (
    CHECKLISTS,
    ApplicationDraft,
    ChecklistArea,
    CollateralEntry,
    DisbursementError,
    DisbursementErrorCode,
    DisbursementPolicy,
    GuaranteeEntry,
    Missing,
    MissingItem,
    PaymentMethod,
    application_missing,
    approval_ladder,
    check_payment,
    checklist_for,
    open_checklist_items,
    payment_method_required,
)

ON = date(2026, 11, 2)
COMPLETE = ApplicationDraft(
    on=ON,
    product_family="loan",
    amount=Decimal("800000"),
    term_months=12,
    purpose="buy bamboo for the winter season",
    repayment_source="sales receipts",
    collateral=(CollateralEntry("workshop", "industrial_property", Decimal("2000000"), date(2026, 9, 1), date(2027, 9, 1)),),
    guarantors=(GuaranteeEntry("Liu", Decimal("800000")),),
)


def test_a_complete_application_lacks_nothing():
    assert application_missing(COMPLETE) == ()


def test_a_blank_application_lacks_every_term_in_the_order_of_the_form():
    blank = ApplicationDraft(on=ON, product_family=None, amount=None, term_months=None, purpose=" ", repayment_source="")
    assert [m.item for m in application_missing(blank)] == [
        MissingItem.PRODUCT,
        MissingItem.AMOUNT,
        MissingItem.TERM,
        MissingItem.PURPOSE,
        MissingItem.REPAYMENT_SOURCE,
    ]


def test_collateral_needs_a_value_and_a_valuation_date():
    draft = ApplicationDraft(
        **{**COMPLETE.__dict__, "collateral": (CollateralEntry("deposit", "deposit_pledge", None, None),)}
    )
    assert application_missing(draft) == (
        Missing(MissingItem.COLLATERAL_VALUE, "deposit"),
        Missing(MissingItem.COLLATERAL_VALUATION_DATE, "deposit"),
    )


def test_property_must_be_insured_on_the_day_of_submission_a_deposit_need_not():
    lapsed = CollateralEntry("workshop", "industrial_property", Decimal("2000000"), date(2026, 9, 1), date(2026, 11, 1))
    deposit = CollateralEntry("term deposit", "deposit_pledge", Decimal("500000"), date(2026, 10, 1))
    draft = ApplicationDraft(**{**COMPLETE.__dict__, "collateral": (lapsed, deposit)})
    assert application_missing(draft) == (Missing(MissingItem.COLLATERAL_INSURANCE, "workshop"),)
    assert str(application_missing(draft)[0]) == "collateral_insurance (workshop)"
    assert application_missing(draft, insured_kinds=set()) == ()


def test_a_guarantor_must_guarantee_an_amount():
    draft = ApplicationDraft(**{**COMPLETE.__dict__, "guarantors": (GuaranteeEntry("Liu", None),)})
    assert application_missing(draft) == (Missing(MissingItem.GUARANTEE_AMOUNT, "Liu"),)


def test_every_checklist_covers_the_four_areas_with_distinct_items():
    for kind, items in CHECKLISTS.items():
        assert {item.area for item in items} == set(ChecklistArea), kind
        assert len({item.code for item in items}) == len(items), kind


def test_an_enterprise_investigation_looks_at_its_flows_statements_and_external_events():
    codes = {item.code for item in checklist_for("enterprise")}
    assert {"flows_at_this_bank", "statements_and_flags", "external_events", "related_parties_and_group"} <= codes


def test_the_investigation_is_open_until_every_item_is_done_and_lists_what_is_open_in_order():
    items = [item.code for item in checklist_for("individual")]
    assert open_checklist_items("individual", set()) == tuple(items)
    assert open_checklist_items("individual", set(items[1:])) == (items[0],)
    assert open_checklist_items("individual", set(items)) == ()


def test_an_unknown_kind_has_no_checklist():
    with pytest.raises(ValueError, match="no investigation checklist"):
        checklist_for("trust")


def test_entrusted_payment_above_the_kinds_threshold_not_at_it():
    assert payment_method_required("individual", Decimal("300000")) is PaymentMethod.BORROWER
    assert payment_method_required("individual", Decimal("300000.01")) is PaymentMethod.ENTRUSTED
    assert payment_method_required("enterprise", Decimal("10000000")) is PaymentMethod.BORROWER
    assert payment_method_required("enterprise", Decimal("10000000.01")) is PaymentMethod.ENTRUSTED


def test_a_kind_without_a_threshold_always_pays_by_entrusted_payment():
    policy = DisbursementPolicy({"individual": Decimal("300000")})
    assert payment_method_required("enterprise", Decimal("1"), policy) is PaymentMethod.ENTRUSTED


def test_paying_the_borrower_above_the_threshold_is_refused():
    with pytest.raises(DisbursementError) as caught:
        check_payment(
            customer_kind="farmer_household", amount=Decimal("600000"), method=PaymentMethod.BORROWER,
            counterparty_name="", counterparty_account="",
        )
    assert caught.value.code is DisbursementErrorCode.ENTRUSTED_PAYMENT_REQUIRED
    assert "600,000.00 yuan to a farmer household is more than 500,000.00 yuan" in caught.value.message


def test_an_entrusted_payment_names_the_counterparty_and_its_account():
    with pytest.raises(DisbursementError) as caught:
        check_payment(
            customer_kind="enterprise", amount=Decimal("600000"), method=PaymentMethod.ENTRUSTED,
            counterparty_name="Bamboo Co-op", counterparty_account=" ",
        )
    assert caught.value.code is DisbursementErrorCode.COUNTERPARTY_MISSING
    check_payment(
        customer_kind="enterprise", amount=Decimal("600000"), method=PaymentMethod.ENTRUSTED,
        counterparty_name="Bamboo Co-op", counterparty_account="33018101000777",
    )


def test_a_negative_threshold_is_refused():
    with pytest.raises(DisbursementError) as caught:
        DisbursementPolicy({"enterprise": Decimal("-1")})
    assert caught.value.code is DisbursementErrorCode.POLICY_INVALID


# The shipped defaults of rmdesk/org/defaults.py, given in no particular order.
LIMITS = {
    "head_office": (AuthorityLimit(None, Decimal("50000000"), "B"),),
    "team_leader": (AuthorityLimit("loan", Decimal("500000"), "BBB"), AuthorityLimit("credit_card", Decimal("100000"), "BBB")),
    "account_manager": (),
    "credit_approver": (AuthorityLimit(None, Decimal("5000000"), "BB"),),
}


def test_the_ladder_climbs_from_the_narrowest_authority_to_the_widest_and_leaves_out_levels_without_any():
    assert [level.code for level in approval_ladder(LIMITS)] == ["team_leader", "credit_approver", "head_office"]


def test_of_two_levels_with_the_same_amount_the_one_reaching_weaker_grades_is_higher():
    ladder = approval_ladder(
        {"b": (AuthorityLimit(None, Decimal("100"), "B"),), "a": (AuthorityLimit(None, Decimal("100"), "A"),)}
    )
    assert [level.code for level in ladder] == ["a", "b"]


@given(st.permutations(list(LIMITS.items())))
def test_the_ladder_does_not_depend_on_the_order_the_levels_are_given_in(items):
    assert approval_ladder(dict(items)) == approval_ladder(LIMITS)


def test_the_ladder_routes_as_the_authority_rules_say():
    ladder = approval_ladder(LIMITS)
    assert isinstance(ladder[0], ApprovalLevel)
    route = approval_route(ladder, product_family="loan", amount=Decimal("800000"), grade="BBB")
    assert route == ("team_leader", "credit_approver")
