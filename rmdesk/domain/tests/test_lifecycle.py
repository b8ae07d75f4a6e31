"""The credit lifecycle: every cell of the state x action table, and every guard with its numbers."""

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rmdesk.domain.authority import Signatory
from rmdesk.domain.classification import Category
from rmdesk.domain.lifecycle import (
    FINAL_STATES,
    TRANSITIONS,
    Action,
    Amend,
    Approve,
    Close,
    Credit,
    CreditLine,
    CreditState,
    Cure,
    Draw,
    EndObservation,
    LifecycleError,
    LifecycleErrorCode,
    LifecyclePolicy,
    MarkOverdue,
    RecordPolicyCheck,
    Reject,
    Renew,
    Repay,
    Restructure,
    ResumeInvestigation,
    ReturnForInformation,
    SendToPolicyCheck,
    SignContract,
    StartInvestigation,
    Submit,
    Withdraw,
    WriteOff,
    allowed_actions,
    apply,
    open_application,
    renew,
)
from rmdesk.domain.policy import Outcome, PolicyReport, Rule, RuleResult

S, A = CreditState, Action
T0 = date(2025, 1, 6)
ROUTE = ("team_leader", "credit_approver")
HOLDER = {"team_leader": "leader_a", "credit_approver": "approver", "head_office": "head"}
PASSED = PolicyReport(
    (RuleResult(Rule.SINGLE_CUSTOMER_CONCENTRATION, Outcome.PASSED, Decimal("0.25"), Decimal("10.00"), "ok"),)
)
FAILED = PolicyReport(
    (RuleResult(Rule.MINIMUM_GRADE, Outcome.FAILED, "B", "BB", "grade B is worse than the minimum BB for loan"),)
)

# The specification: (state, action) -> where it may lead. Every pair not listed is illegal.
EXPECTED = {
    (S.DRAFT, A.AMEND): {S.DRAFT},
    (S.SUBMITTED, A.AMEND): {S.SUBMITTED},
    (S.INVESTIGATION, A.AMEND): {S.INVESTIGATION},
    (S.RETURNED, A.AMEND): {S.RETURNED},
    (S.DRAFT, A.SUBMIT): {S.SUBMITTED},
    (S.SUBMITTED, A.START_INVESTIGATION): {S.INVESTIGATION},
    (S.INVESTIGATION, A.SEND_TO_POLICY_CHECK): {S.POLICY_CHECK},
    (S.POLICY_CHECK, A.RECORD_POLICY_CHECK): {S.IN_APPROVAL, S.RETURNED},
    (S.IN_APPROVAL, A.APPROVE): {S.IN_APPROVAL, S.APPROVED},
    (S.IN_APPROVAL, A.REJECT): {S.REJECTED},
    (S.IN_APPROVAL, A.RETURN_FOR_INFORMATION): {S.RETURNED},
    (S.RETURNED, A.RESUME_INVESTIGATION): {S.INVESTIGATION},
    (S.DRAFT, A.WITHDRAW): {S.WITHDRAWN},
    (S.SUBMITTED, A.WITHDRAW): {S.WITHDRAWN},
    (S.INVESTIGATION, A.WITHDRAW): {S.WITHDRAWN},
    (S.POLICY_CHECK, A.WITHDRAW): {S.WITHDRAWN},
    (S.IN_APPROVAL, A.WITHDRAW): {S.WITHDRAWN},
    (S.RETURNED, A.WITHDRAW): {S.WITHDRAWN},
    (S.APPROVED, A.WITHDRAW): {S.WITHDRAWN},
    (S.APPROVED, A.SIGN_CONTRACT): {S.CONTRACT_SIGNED},
    (S.CONTRACT_SIGNED, A.DRAW): {S.DISBURSED},
    (S.DISBURSED, A.DRAW): {S.DISBURSED},
    (S.REPAYING, A.DRAW): {S.REPAYING},
    (S.DISBURSED, A.REPAY): {S.REPAYING},
    (S.REPAYING, A.REPAY): {S.REPAYING},
    (S.OVERDUE, A.REPAY): {S.OVERDUE},
    (S.RESTRUCTURED, A.REPAY): {S.RESTRUCTURED},
    (S.DISBURSED, A.MARK_OVERDUE): {S.OVERDUE},
    (S.REPAYING, A.MARK_OVERDUE): {S.OVERDUE},
    (S.RESTRUCTURED, A.MARK_OVERDUE): {S.OVERDUE},
    (S.OVERDUE, A.CURE): {S.REPAYING, S.RESTRUCTURED},
    (S.DISBURSED, A.RESTRUCTURE): {S.RESTRUCTURED},
    (S.REPAYING, A.RESTRUCTURE): {S.RESTRUCTURED},
    (S.OVERDUE, A.RESTRUCTURE): {S.RESTRUCTURED},
    (S.RESTRUCTURED, A.END_OBSERVATION): {S.REPAYING, S.RESTRUCTURED},
    (S.CONTRACT_SIGNED, A.CLOSE): {S.CLOSED},
    (S.REPAYING, A.CLOSE): {S.CLOSED},
    (S.RESTRUCTURED, A.CLOSE): {S.CLOSED},
    (S.OVERDUE, A.WRITE_OFF): {S.WRITTEN_OFF},
    (S.RESTRUCTURED, A.WRITE_OFF): {S.WRITTEN_OFF},
    (S.DISBURSED, A.RENEW): {S.DISBURSED},
    (S.REPAYING, A.RENEW): {S.REPAYING},
}
ILLEGAL = [(s, a) for s in CreditState for a in Action if (s, a) not in EXPECTED]


def new_application(**kwargs) -> Credit:
    return open_application(
        "C1",
        customer="factory",
        product_family="loan",
        amount=Decimal("1000000"),
        by=kwargs.pop("by", "am_a"),
        on=T0,
        **kwargs,
    )


def next_day(credit: Credit) -> date:
    return credit.last_event_on + timedelta(days=1)


def signer(credit: Credit) -> Signatory:
    level = credit.pending_level or "team_leader"
    return Signatory(HOLDER[level], level)


def valid_command(action: Action, credit: Credit):
    """A command for `action` that satisfies every guard when the action is legal in the credit's state."""
    on = next_day(credit)
    return {
        A.AMEND: lambda: Amend(by="am_a", on=on, amount=Decimal("900000")),
        A.SUBMIT: lambda: Submit(by="am_a", on=on),
        A.START_INVESTIGATION: lambda: StartInvestigation(by="am_a", on=on),
        A.SEND_TO_POLICY_CHECK: lambda: SendToPolicyCheck(by="am_a", on=on),
        A.RECORD_POLICY_CHECK: lambda: RecordPolicyCheck(by="risk", on=on, report=PASSED, route=ROUTE),
        A.APPROVE: lambda: Approve(signatory=signer(credit), on=on),
        A.REJECT: lambda: Reject(signatory=signer(credit), on=on, reason="repayment source unproven"),
        A.RETURN_FOR_INFORMATION: lambda: ReturnForInformation(
            signatory=signer(credit), on=on, reason="add 2024 audited accounts"
        ),
        A.RESUME_INVESTIGATION: lambda: ResumeInvestigation(by="am_a", on=on),
        A.WITHDRAW: lambda: Withdraw(by="am_a", on=on, reason="customer found cheaper funds"),
        A.SIGN_CONTRACT: lambda: SignContract(
            by="am_a", on=on, line=CreditLine(Decimal("1000000"), on, on + timedelta(days=365))
        ),
        A.DRAW: lambda: Draw(by="am_a", on=on, amount=Decimal("400000")),
        A.REPAY: lambda: Repay(by="am_a", on=on, principal=Decimal("10000")),
        A.MARK_OVERDUE: lambda: MarkOverdue(by="system", on=on, missed_on=on - timedelta(days=1)),
        A.CURE: lambda: Cure(by="system", on=on),
        A.RESTRUCTURE: lambda: Restructure(
            by="am_a", on=on, approved_by="risk", first_repayment_on=on + timedelta(days=30), repayment_period_months=1
        ),
        A.END_OBSERVATION: lambda: EndObservation(
            by="risk", on=max(on, credit.observation_ends_on or on), difficulty_resolved=True
        ),
        A.CLOSE: lambda: Close(by="am_a", on=on),
        A.WRITE_OFF: lambda: WriteOff(by="am_a", on=on, approved_by="risk", category=Category.LOSS),
        A.RENEW: lambda: Renew(by="am_a", on=on, reference="C2", amount=Decimal("1000000")),
    }[action]()


def perform(credit: Credit, command) -> Credit:
    if isinstance(command, Renew):
        return renew(credit, command)[0]
    return apply(credit, command)


def step(credit: Credit, action: Action) -> Credit:
    if action is A.CLOSE and credit.outstanding:
        credit = apply(credit, Repay(by="am_a", on=next_day(credit), principal=credit.outstanding))
    return perform(credit, valid_command(action, credit))


APPLICATION = [A.SUBMIT, A.START_INVESTIGATION, A.SEND_TO_POLICY_CHECK, A.RECORD_POLICY_CHECK]
APPROVED = [*APPLICATION, A.APPROVE, A.APPROVE]
REPAYING = [*APPROVED, A.SIGN_CONTRACT, A.DRAW, A.REPAY]
PATHS = {
    S.DRAFT: [],
    S.SUBMITTED: APPLICATION[:1],
    S.INVESTIGATION: APPLICATION[:2],
    S.POLICY_CHECK: APPLICATION[:3],
    S.IN_APPROVAL: APPLICATION,
    S.RETURNED: [*APPLICATION, A.RETURN_FOR_INFORMATION],
    S.APPROVED: APPROVED,
    S.REJECTED: [*APPLICATION, A.REJECT],
    S.WITHDRAWN: [A.WITHDRAW],
    S.CONTRACT_SIGNED: [*APPROVED, A.SIGN_CONTRACT],
    S.DISBURSED: [*APPROVED, A.SIGN_CONTRACT, A.DRAW],
    S.REPAYING: REPAYING,
    S.OVERDUE: [*REPAYING, A.MARK_OVERDUE],
    S.RESTRUCTURED: [*REPAYING, A.MARK_OVERDUE, A.RESTRUCTURE],
    S.CLOSED: [*REPAYING, A.CLOSE],
    S.WRITTEN_OFF: [*REPAYING, A.MARK_OVERDUE, A.WRITE_OFF],
}


def credit_in(state: CreditState) -> Credit:
    credit = new_application()
    for action in PATHS[state]:
        credit = step(credit, action)
    assert credit.state is state
    return credit


def refusal(credit: Credit, command) -> LifecycleError:
    with pytest.raises(LifecycleError) as caught:
        perform(credit, command)
    return caught.value


# --- the table ------------------------------------------------------------------------------


def test_the_transition_table_is_the_specification():
    assert {pair: set(targets) for pair, targets in TRANSITIONS.items()} == EXPECTED


def test_every_state_can_be_reached_and_the_final_ones_allow_nothing():
    assert set(PATHS) == set(CreditState)
    assert FINAL_STATES == {S.REJECTED, S.WITHDRAWN, S.CLOSED, S.WRITTEN_OFF}
    assert all(allowed_actions(s) == () for s in FINAL_STATES)


@pytest.mark.parametrize(("state", "action"), sorted(EXPECTED), ids=lambda v: v.value)
def test_every_legal_transition_leads_where_the_table_says_and_is_recorded(state, action):
    before = credit_in(state)
    after = step(before, action)
    assert after.state in EXPECTED[state, action]
    last = after.history[-1]
    assert (last.action, last.to_state) == (action, after.state)
    assert last.from_state is state


@pytest.mark.parametrize(("state", "action"), ILLEGAL, ids=lambda v: v.value)
def test_every_illegal_transition_is_refused_naming_the_state_and_the_action(state, action):
    credit = credit_in(state)
    error = refusal(credit, valid_command(action, credit))
    assert error.code is LifecycleErrorCode.ILLEGAL_TRANSITION
    assert f"cannot {action.value.replace('_', ' ')} credit C1: it is {state.value.replace('_', ' ')}" in error.message


def test_the_table_has_every_cell():
    assert len(EXPECTED) + len(ILLEGAL) == len(CreditState) * len(Action) == 320


# --- application and investigation ---------------------------------------------------------


def test_no_submission_while_the_application_lacks_something():
    error = refusal(new_application(), Submit(by="am_a", on=T0, missing=("repayment source", "collateral valuation")))
    assert error.code is LifecycleErrorCode.OPEN_ITEMS
    assert "repayment source, collateral valuation" in error.message


def test_no_submission_to_approval_until_the_investigation_is_complete():
    credit = credit_in(S.INVESTIGATION)
    error = refusal(credit, SendToPolicyCheck(by="am_a", on=next_day(credit), open_items=("site visit",)))
    assert (error.code, error.message) == (
        LifecycleErrorCode.OPEN_ITEMS,
        "C1: the investigation is not complete: site visit",
    )


def test_a_failed_policy_check_returns_the_application_with_the_failed_rules():
    credit = credit_in(S.POLICY_CHECK)
    after = apply(credit, RecordPolicyCheck(by="risk", on=next_day(credit), report=FAILED, route=ROUTE))
    assert after.state is S.RETURNED
    assert "minimum_grade: grade B is worse than the minimum BB" in after.history[-1].reason


def test_a_passed_policy_check_needs_an_approval_route():
    credit = credit_in(S.POLICY_CHECK)
    error = refusal(credit, RecordPolicyCheck(by="risk", on=next_day(credit), report=PASSED, route=()))
    assert error.code is LifecycleErrorCode.ROUTE_MISSING


def test_an_amount_in_fractions_of_a_fen_or_a_float_is_refused():
    error = refusal(new_application(), Amend(by="am_a", on=T0, amount=Decimal("1000.005")))
    assert error.code is LifecycleErrorCode.AMOUNT_INVALID
    with pytest.raises(LifecycleError):
        open_application("C9", customer="farmer", product_family="loan", amount=50000.0, by="am_a", on=T0)


# --- approval -------------------------------------------------------------------------------


def test_each_level_of_the_route_signs_in_turn_and_the_last_decides():
    credit = credit_in(S.IN_APPROVAL)
    assert credit.pending_level == "team_leader"
    recommended = step(credit, A.APPROVE)
    assert (recommended.state, recommended.pending_level) == (S.IN_APPROVAL, "credit_approver")
    approved = step(recommended, A.APPROVE)
    assert approved.state is S.APPROVED
    assert approved.approval_valid_until == approved.history[-1].on + timedelta(days=90)


def test_a_level_out_of_turn_cannot_sign():
    credit = credit_in(S.IN_APPROVAL)
    error = refusal(credit, Approve(signatory=Signatory("approver", "credit_approver"), on=next_day(credit)))
    assert (error.code, error.message) == (
        LifecycleErrorCode.WRONG_LEVEL,
        "C1 waits for level team_leader, not credit_approver",
    )


def test_nobody_approves_their_own_application():
    credit = new_application(by="leader_a")
    for action in APPLICATION:
        credit = step(credit, action)
    error = refusal(credit, Approve(signatory=Signatory("leader_a", "team_leader"), on=next_day(credit)))
    assert error.code is LifecycleErrorCode.OWN_APPLICATION


def test_whoever_investigated_the_application_cannot_approve_it():
    credit = new_application()
    credit = step(credit, A.SUBMIT)
    credit = apply(credit, StartInvestigation(by="leader_a", on=next_day(credit)))
    credit = step(step(credit, A.SEND_TO_POLICY_CHECK), A.RECORD_POLICY_CHECK)
    assert refusal(credit, Approve(signatory=Signatory("leader_a", "team_leader"), on=next_day(credit))).code is (
        LifecycleErrorCode.OWN_APPLICATION
    )


def test_a_delegate_cannot_approve_what_they_submitted():
    credit = new_application(by="leader_b")
    for action in APPLICATION:
        credit = step(credit, action)
    delegate = Signatory("leader_b", "team_leader", on_behalf_of="leader_a")
    assert refusal(credit, Approve(signatory=delegate, on=next_day(credit))).code is LifecycleErrorCode.OWN_APPLICATION


def test_a_delegates_approval_is_recorded_on_behalf_of_the_absent_approver():
    credit = credit_in(S.IN_APPROVAL)
    after = apply(
        credit, Approve(signatory=Signatory("leader_b", "team_leader", on_behalf_of="leader_a"), on=next_day(credit))
    )
    assert (after.history[-1].by, after.history[-1].on_behalf_of) == ("leader_b", "leader_a")


def test_one_person_cannot_sign_two_levels_of_one_route():
    credit = step(credit_in(S.IN_APPROVAL), A.APPROVE)
    twice = Signatory("leader_a", "credit_approver", on_behalf_of="approver")
    assert refusal(credit, Approve(signatory=twice, on=next_day(credit))).code is LifecycleErrorCode.ALREADY_SIGNED


def test_the_deciding_level_may_approve_less_than_applied_for_but_not_more():
    credit = step(credit_in(S.IN_APPROVAL), A.APPROVE)
    approver = Signatory("approver", "credit_approver")
    approved = apply(credit, Approve(signatory=approver, on=next_day(credit), approved_amount=Decimal("800000")))
    assert approved.approved_amount == Decimal("800000")
    error = refusal(credit, Approve(signatory=approver, on=next_day(credit), approved_amount=Decimal("1000000.01")))
    assert error.code is LifecycleErrorCode.ABOVE_APPROVED_AMOUNT


def test_rejecting_or_returning_needs_a_reason():
    credit = credit_in(S.IN_APPROVAL)
    for command in (
        Reject(signatory=signer(credit), on=next_day(credit), reason="  "),
        ReturnForInformation(signatory=signer(credit), on=next_day(credit), reason=""),
    ):
        assert refusal(credit, command).code is LifecycleErrorCode.REASON_REQUIRED


def test_a_returned_application_goes_through_investigation_and_a_new_round_of_approval():
    credit = step(credit_in(S.IN_APPROVAL), A.APPROVE)
    returned = apply(
        credit, ReturnForInformation(signatory=signer(credit), on=next_day(credit), reason="add 2024 accounts")
    )
    assert (returned.state, returned.signatures, returned.route) == (S.RETURNED, (), ())
    again = returned
    for action in (A.RESUME_INVESTIGATION, A.SEND_TO_POLICY_CHECK, A.RECORD_POLICY_CHECK):
        again = step(again, action)
    assert (again.state, again.pending_level) == (S.IN_APPROVAL, "team_leader")


# --- contract and drawdowns -----------------------------------------------------------------


def test_no_contract_after_the_approval_expired():
    credit = credit_in(S.APPROVED)
    late = credit.approval_valid_until + timedelta(days=1)
    error = refusal(
        credit, SignContract(by="am_a", on=late, line=CreditLine(Decimal("1000000"), late, late + timedelta(days=365)))
    )
    assert error.code is LifecycleErrorCode.APPROVAL_EXPIRED


def test_the_approval_validity_is_policy():
    credit = credit_in(S.IN_APPROVAL)
    credit = apply(credit, Approve(signatory=signer(credit), on=next_day(credit)))
    approved = apply(
        credit, Approve(signatory=signer(credit), on=next_day(credit)), LifecyclePolicy(approval_validity_days=30)
    )
    assert approved.approval_valid_until == approved.history[-1].on + timedelta(days=30)


def test_no_line_above_the_approved_amount():
    credit = credit_in(S.APPROVED)
    on = next_day(credit)
    error = refusal(
        credit, SignContract(by="am_a", on=on, line=CreditLine(Decimal("1000000.01"), on, on + timedelta(days=365)))
    )
    assert error.code is LifecycleErrorCode.ABOVE_APPROVED_AMOUNT


def test_a_line_ending_before_it_starts_is_refused():
    with pytest.raises(LifecycleError) as caught:
        CreditLine(Decimal("1000000"), date(2025, 2, 1), date(2025, 1, 31))
    assert caught.value.code is LifecycleErrorCode.LINE_INVALID


def signed(line: CreditLine) -> Credit:
    credit = credit_in(S.APPROVED)
    return apply(credit, SignContract(by="am_a", on=next_day(credit), line=line))


LINE = CreditLine(Decimal("1000000"), date(2025, 2, 1), date(2026, 1, 31))


def test_no_drawdown_before_the_line_opens_or_after_it_expires():
    credit = signed(LINE)
    assert (
        refusal(credit, Draw(by="am_a", on=date(2025, 1, 31), amount=Decimal("1"))).code
        is LifecycleErrorCode.LINE_NOT_YET_VALID
    )
    assert (
        refusal(credit, Draw(by="am_a", on=date(2026, 2, 1), amount=Decimal("1"))).code
        is LifecycleErrorCode.LINE_EXPIRED
    )
    assert apply(credit, Draw(by="am_a", on=date(2026, 1, 31), amount=Decimal("1"))).state is S.DISBURSED


def test_no_drawdown_beyond_the_line():
    # 600,000 drawn of 1,000,000: 400,000 is available, 400,000.01 is not
    credit = apply(signed(LINE), Draw(by="am_a", on=date(2025, 2, 3), amount=Decimal("600000")))
    error = refusal(credit, Draw(by="am_a", on=date(2025, 2, 4), amount=Decimal("400000.01")))
    assert (error.code, error.message) == (
        LifecycleErrorCode.LINE_EXCEEDED,
        "drawing 400,000.01 yuan exceeds the line of C1: 400,000.00 of 1,000,000.00 available",
    )
    assert apply(credit, Draw(by="am_a", on=date(2025, 2, 4), amount=Decimal("400000"))).drawn == Decimal("1000000")


def test_repayment_frees_a_revolving_line_but_not_a_term_line():
    for revolving, available in ((False, Decimal("400000")), (True, Decimal("500000"))):
        credit = apply(
            signed(replace(LINE, revolving=revolving)), Draw(by="am_a", on=date(2025, 2, 3), amount=Decimal("600000"))
        )
        credit = apply(credit, Repay(by="am_a", on=date(2025, 3, 3), principal=Decimal("100000")))
        assert (credit.state, credit.outstanding, credit.available) == (S.REPAYING, Decimal("500000"), available)


def test_no_drawdown_while_overdue():
    credit = credit_in(S.OVERDUE)
    error = refusal(credit, Draw(by="am_a", on=next_day(credit), amount=Decimal("1")))
    assert error.code is LifecycleErrorCode.ILLEGAL_TRANSITION
    assert "it is overdue" in error.message


def test_no_repayment_above_what_is_outstanding():
    credit = credit_in(S.REPAYING)  # 400,000 drawn, 10,000 repaid
    error = refusal(credit, Repay(by="am_a", on=next_day(credit), principal=Decimal("390000.01")))
    assert error.code is LifecycleErrorCode.ABOVE_OUTSTANDING


def test_a_step_dated_before_the_last_one_is_refused():
    credit = credit_in(S.REPAYING)
    error = refusal(credit, Repay(by="am_a", on=credit.last_event_on - timedelta(days=1), principal=Decimal("1")))
    assert error.code is LifecycleErrorCode.DATE_OUT_OF_ORDER


# --- overdue, restructuring, closure --------------------------------------------------------


def test_paying_the_arrears_makes_an_overdue_credit_current_again():
    assert step(credit_in(S.OVERDUE), A.CURE).state is S.REPAYING


def test_a_restructured_credit_is_observed_for_a_year_from_its_first_repayment():
    credit = credit_in(S.OVERDUE)
    on = next_day(credit)
    after = apply(
        credit,
        Restructure(
            by="am_a", on=on, approved_by="risk", first_repayment_on=date(2025, 6, 20), repayment_period_months=1
        ),
    )
    assert (after.state, after.observation_ends_on) == (S.RESTRUCTURED, date(2026, 6, 20))


def test_restructuring_is_approved_by_a_second_person_not_an_originator():
    credit = credit_in(S.OVERDUE)
    on = next_day(credit)
    terms = {"on": on, "first_repayment_on": on, "repayment_period_months": 1}
    own = Restructure(by="risk", approved_by="risk", **terms)
    originators = Restructure(by="risk", approved_by="am_a", **terms)
    for command in (own, originators):
        assert refusal(credit, command).code is LifecycleErrorCode.SECOND_PERSON_REQUIRED
    assert apply(credit, Restructure(by="am_a", approved_by="risk", **terms)).state is S.RESTRUCTURED


def test_a_missed_payment_in_observation_restarts_it_from_the_missed_date():
    credit = credit_in(S.RESTRUCTURED)
    missed = credit.last_event_on + timedelta(days=40)
    overdue = apply(credit, MarkOverdue(by="system", on=missed + timedelta(days=1), missed_on=missed))
    assert overdue.observation_ends_on == date(missed.year + 1, missed.month, missed.day)
    cured = step(overdue, A.CURE)
    assert cured.state is S.RESTRUCTURED


def test_observation_cannot_end_before_its_last_day():
    credit = credit_in(S.RESTRUCTURED)
    early = credit.observation_ends_on - timedelta(days=1)
    assert (
        refusal(credit, EndObservation(by="risk", on=early, difficulty_resolved=True)).code
        is LifecycleErrorCode.OBSERVATION_NOT_ENDED
    )


def test_observation_restarts_when_the_difficulty_is_not_resolved_at_its_end():
    credit = credit_in(S.RESTRUCTURED)
    end = credit.observation_ends_on
    after = apply(credit, EndObservation(by="risk", on=end, difficulty_resolved=False))
    assert (after.state, after.observation_ends_on) == (S.RESTRUCTURED, date(end.year + 1, end.month, end.day))


def test_no_closure_while_anything_is_outstanding():
    credit = credit_in(S.REPAYING)
    error = refusal(credit, Close(by="am_a", on=next_day(credit)))
    assert (error.code, error.message) == (
        LifecycleErrorCode.BALANCE_OUTSTANDING,
        "C1 still has 390,000.00 yuan outstanding",
    )


def test_a_line_never_drawn_can_be_closed():
    assert step(credit_in(S.CONTRACT_SIGNED), A.CLOSE).state is S.CLOSED


def test_only_a_loss_is_written_off_and_by_a_second_persons_approval():
    credit = credit_in(S.OVERDUE)
    on = next_day(credit)
    assert (
        refusal(credit, WriteOff(by="am_a", on=on, approved_by="risk", category=Category.DOUBTFUL)).code
        is LifecycleErrorCode.NOT_LOSS
    )
    assert refusal(credit, WriteOff(by="am_a", on=on, approved_by="am_a", category=Category.LOSS)).code is (
        LifecycleErrorCode.SECOND_PERSON_REQUIRED
    )
    written_off = apply(credit, WriteOff(by="am_a", on=on, approved_by="risk", category=Category.LOSS))
    assert written_off.history[-1].amount == Decimal("390000")


# --- renewal --------------------------------------------------------------------------------


def test_a_renewal_opens_a_new_application_that_refers_to_the_credit_it_renews():
    credit = credit_in(S.REPAYING)
    old, successor = renew(credit, Renew(by="am_a", on=next_day(credit), reference="C2", amount=Decimal("1200000")))
    assert (successor.state, successor.renews, successor.amount) == (S.DRAFT, "C1", Decimal("1200000"))
    assert (old.state, old.history[-1].action, old.history[-1].reason) == (S.REPAYING, A.RENEW, "renewal C2 opened")


def test_an_overdue_or_restructured_credit_is_not_renewed():
    for state in (S.OVERDUE, S.RESTRUCTURED):
        credit = credit_in(state)
        error = refusal(credit, Renew(by="am_a", on=next_day(credit), reference="C2", amount=Decimal("1")))
        assert error.code is LifecycleErrorCode.ILLEGAL_TRANSITION


def test_apply_does_not_take_a_renewal():
    credit = credit_in(S.REPAYING)
    with pytest.raises(TypeError):
        apply(credit, Renew(by="am_a", on=next_day(credit), reference="C2", amount=Decimal("1")))


# --- the audit trail and laws ---------------------------------------------------------------


def test_the_history_records_every_step_from_draft_to_closure():
    credit = credit_in(S.CLOSED)
    assert [t.action for t in credit.history] == [*REPAYING, A.REPAY, A.CLOSE]
    assert [(t.by, t.to_state) for t in credit.history[4:6]] == [("leader_a", S.IN_APPROVAL), ("approver", S.APPROVED)]
    assert [t.amount for t in credit.history[-4:-1]] == [Decimal("400000"), Decimal("10000"), Decimal("390000")]


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_whatever_is_attempted_the_credit_stays_consistent(data):
    credit = credit_in(data.draw(st.sampled_from(list(CreditState))))
    for _ in range(data.draw(st.integers(min_value=0, max_value=40))):
        # Mostly an allowed action, so that walks go deep; sometimes any action at all.
        allowed = allowed_actions(credit.state)
        choices = allowed if allowed and data.draw(st.integers(0, 4)) else tuple(Action)
        action = data.draw(st.sampled_from(choices))
        try:
            credit = step(credit, action)
        except LifecycleError:
            continue
    previous = S.DRAFT
    for transition in credit.history:
        assert transition.from_state is previous
        assert transition.to_state in TRANSITIONS[transition.from_state, transition.action]
        previous = transition.to_state
    assert previous is credit.state
    assert Decimal(0) <= credit.outstanding <= credit.drawn
    if credit.line is not None and not credit.line.revolving:
        assert credit.drawn <= credit.line.amount
