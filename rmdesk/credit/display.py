"""What the desk says about credit, in the reader's language, from the domain's codes and figures.

The domain explains itself in English (its messages and reasons are kept in the record); the
desk never shows those strings but renders its own from the error code, the rule and the
numbers, so that every word is translatable.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.formats import date_format, number_format
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rmdesk.credit.models import CreditStateChoice, PolicyCheck
from rmdesk.domain.lifecycle import Action, LifecycleErrorCode
from rmdesk.domain.origination import ChecklistArea, MissingItem
from rmdesk.domain.policy import Outcome, Rule

ACTION_VERBS: dict[Action, Promise] = {
    Action.AMEND: _("amend the application"),
    Action.SUBMIT: _("submit the application"),
    Action.START_INVESTIGATION: _("start the investigation"),
    Action.SEND_TO_POLICY_CHECK: _("send it to the policy check"),
    Action.RECORD_POLICY_CHECK: _("record a policy check"),
    Action.APPROVE: _("approve"),
    Action.REJECT: _("reject"),
    Action.RETURN_FOR_INFORMATION: _("return it for more information"),
    Action.RESUME_INVESTIGATION: _("resume the investigation"),
    Action.WITHDRAW: _("withdraw the application"),
    Action.SIGN_CONTRACT: _("sign the contract"),
    Action.DRAW: _("draw down"),
    Action.REPAY: _("record a repayment"),
    Action.MARK_OVERDUE: _("mark it overdue"),
    Action.CURE: _("record the arrears cured"),
    Action.RESTRUCTURE: _("restructure"),
    Action.END_OBSERVATION: _("end the observation period"),
    Action.CLOSE: _("close the credit"),
    Action.WRITE_OFF: _("write it off"),
    Action.RENEW: _("renew"),
}

LIFECYCLE_MESSAGES: dict[LifecycleErrorCode, Promise] = {
    LifecycleErrorCode.ILLEGAL_TRANSITION: _("You cannot %(action)s: the application is %(state)s."),
    LifecycleErrorCode.DATE_OUT_OF_ORDER: _("This step is dated before the application's last step, on %(last)s."),
    LifecycleErrorCode.AMOUNT_INVALID: _("The amount must be more than 0 yuan, to the fen."),
    LifecycleErrorCode.OPEN_ITEMS: _("Not yet: %(items)s."),
    LifecycleErrorCode.ROUTE_MISSING: _("The application passed the policy check but no approval route was found."),
    LifecycleErrorCode.WRONG_LEVEL: _("The application waits for the signature of %(level)s."),
    LifecycleErrorCode.OWN_APPLICATION: _(
        "Nobody approves their own application: you, or the approver you sign for, applied for, submitted or investigated it."
    ),
    LifecycleErrorCode.ALREADY_SIGNED: _("You have already signed this application at a lower level: each level needs another person."),
    LifecycleErrorCode.REASON_REQUIRED: _("Give the reason."),
    LifecycleErrorCode.ABOVE_APPROVED_AMOUNT: _("That is more than was applied for or approved (%(limit)s yuan)."),
    LifecycleErrorCode.APPROVAL_EXPIRED: _("The approval expired on %(date)s: the credit needs a new approval."),
    LifecycleErrorCode.LINE_INVALID: _("The credit line needs a positive amount and must end after it starts and after the contract is signed."),
    LifecycleErrorCode.LINE_NOT_YET_VALID: _("The credit line opens on %(date)s."),
    LifecycleErrorCode.LINE_EXPIRED: _("The credit line expired on %(date)s."),
    LifecycleErrorCode.LINE_EXCEEDED: _("That is more than is available on the credit line: %(available)s yuan."),
    LifecycleErrorCode.ABOVE_OUTSTANDING: _("That is more than the principal outstanding: %(outstanding)s yuan."),
    LifecycleErrorCode.SECOND_PERSON_REQUIRED: _("A second person must approve this, not you nor anyone who originated the credit."),
    LifecycleErrorCode.DATES_INVALID: _("The dates are not in order."),
    LifecycleErrorCode.OBSERVATION_NOT_ENDED: _("The observation period runs until %(date)s."),
    LifecycleErrorCode.BALANCE_OUTSTANDING: _("%(outstanding)s yuan is still outstanding."),
    LifecycleErrorCode.NOT_LOSS: _("Only a loss is written off."),
}

MISSING_LABELS: dict[MissingItem, Promise] = {
    MissingItem.PRODUCT: _("the product"),
    MissingItem.AMOUNT: _("the amount"),
    MissingItem.TERM: _("the term"),
    MissingItem.PURPOSE: _("the purpose"),
    MissingItem.REPAYMENT_SOURCE: _("the repayment source"),
    MissingItem.COLLATERAL_VALUE: _("the appraised value of %(subject)s"),
    MissingItem.COLLATERAL_VALUATION_DATE: _("the valuation date of %(subject)s"),
    MissingItem.COLLATERAL_INSURANCE: _("insurance of %(subject)s running today"),
    MissingItem.GUARANTEE_AMOUNT: _("the amount %(subject)s guarantees"),
}

AREA_LABELS: dict[ChecklistArea, Promise] = {
    ChecklistArea.CREDIT_POLICY: _("The credit policy that applies"),
    ChecklistArea.BORROWER: _("The borrower itself"),
    ChecklistArea.OPERATION: _("The operation by the rules"),
    ChecklistArea.POST_LOAN: _("After the loan"),
}

CHECKLIST_LABELS: dict[str, Promise] = {
    "industry_and_product_policy": _("Industry and product are within the bank's credit policy"),
    "credit_report": _("Credit report (征信) of the borrower and its guarantors read"),
    "site_visit": _("Premises visited: production, stock and staff seen"),
    "household_visit": _("Household visited: home, fields and livestock seen"),
    "licences_and_qualifications": _("Business licence and qualifications checked against the originals"),
    "management_and_controllers": _("Management and actual controllers met: experience, integrity, other businesses"),
    "owner_and_household": _("Owner and household: members, health, other debts"),
    "operations_and_market": _("Operations and market: orders, suppliers, customers, competitors"),
    "related_parties_and_group": _("Related parties and group: ownership, control, guarantees given"),
    "statements_and_flags": _("Financial statements analysed and their flags explained"),
    "flows_at_this_bank": _("Flows at this bank compared with what the borrower reports"),
    "external_events": _("External events: lawsuits, enforcement, environmental and tax penalties"),
    "land_and_production_scale": _("Land contracts and the scale of planting or breeding verified"),
    "household_income_and_seasons": _("Household income and its seasons estimated"),
    "identity_and_employment": _("Identity and employment verified"),
    "income_verified": _("Income verified from payroll or tax records"),
    "purpose_verified": _("Purpose verified: contracts or invoices behind the use of funds"),
    "repayment_source_verified": _("Repayment source verified and sufficient"),
    "security_verified": _("Collateral seen and its ownership verified; guarantors investigated"),
    "post_loan_plan": _("Plan for after the loan: what to watch and how often"),
}

RULE_LABELS: dict[Rule, Promise] = {
    Rule.SINGLE_CUSTOMER_CONCENTRATION: _("Loans to one customer"),
    Rule.GROUP_CONCENTRATION: _("Credit to one group"),
    Rule.RESTRICTED_INDUSTRY: _("Restricted industries"),
    Rule.MINIMUM_GRADE: _("Minimum grade"),
    Rule.RATING_VALIDITY: _("Rating validity"),
    Rule.COLLATERAL_VALUATION: _("Collateral valuation"),
    Rule.LOAN_TO_VALUE: _("Loan-to-value"),
    Rule.GUARANTOR_CAPACITY: _("Guarantor capacity"),
    Rule.RELATED_PARTY_SINGLE: _("Credit to one related party"),
    Rule.RELATED_PARTY_GROUP: _("Credit to one related group"),
    Rule.RELATED_PARTY_TOTAL: _("Credit to all related parties"),
    Rule.RELATED_PARTY_UNSECURED: _("No unsecured credit to related parties"),
}

OUTCOME_LABELS: dict[Outcome, Promise] = {
    Outcome.PASSED: _("passed"),
    Outcome.FAILED: _("failed"),
    Outcome.NOT_APPLICABLE: _("not applicable"),
}


def yuan(value) -> str:
    """An amount in yuan as the reader's locale writes it, with two decimals."""
    return number_format(Decimal(value), 2, force_grouping=True)


def day(value) -> str:
    return date_format(value, "DATE_FORMAT")


def iso_day(text: str | None) -> str:
    """A date kept as ISO text (the facts of a policy check), as the reader's locale writes it."""
    return day(datetime.date.fromisoformat(text)) if text else "—"


def state_label(state: str) -> str:
    return str(CreditStateChoice(state).label)


def missing_text(missing) -> str:
    """One missing item of an application, in the reader's language."""
    return str(MISSING_LABELS[missing.item]) % {"subject": missing.subject}


def checklist_text(code: str) -> str:
    return str(CHECKLIST_LABELS.get(code, code))


@dataclass(frozen=True)
class RuleRow:
    """One rule's line in a policy check result, in the reader's language."""

    rule: str
    name: str
    outcome: str
    outcome_label: str
    subject: str
    measured: str
    limit: str
    reason: str


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text) if text else None
    except InvalidOperation:
        return None


def _share_reason(whom: Promise, existing, amount, measured, limit, capital) -> str:
    total = Decimal(existing) + Decimal(amount)
    return gettext("%(whom)s: %(existing)s outstanding + %(amount)s applied = %(total)s yuan, %(share)s%% of net capital %(capital)s (limit %(limit)s%%)") % {
        "whom": whom, "existing": yuan(existing), "amount": yuan(amount), "total": yuan(total), "share": measured, "capital": yuan(capital), "limit": limit,
    }


def _reason(rule: Rule, outcome: Outcome, subject: str, measured: str, limit: str, facts: dict, required: bool) -> str:
    """The reason of one rule's verdict, rebuilt from the rule, the figures and the facts checked."""
    if outcome is Outcome.NOT_APPLICABLE:
        if not required:
            return gettext("Not required by the bank's policy.")
        if rule in (Rule.COLLATERAL_VALUATION, Rule.LOAN_TO_VALUE):
            return gettext("No collateral.")
        if rule is Rule.GUARANTOR_CAPACITY:
            return gettext("No guarantor.")
        if rule is Rule.GROUP_CONCENTRATION:
            return gettext("The customer belongs to no group.")
        if rule is Rule.RELATED_PARTY_GROUP and facts.get("related_party"):
            return gettext("The related party belongs to no related group.")
        return gettext("The borrower is not a related party of the bank.")
    amount, capital = facts["amount"], facts["net_capital"]
    related = facts.get("related_party") or {}
    if rule is Rule.SINGLE_CUSTOMER_CONCENTRATION:
        return _share_reason(_("Loans to the customer"), facts["customer_loans"], amount, measured, limit, capital)
    if rule is Rule.GROUP_CONCENTRATION:
        return _share_reason(_("Credit to the group"), facts["group_credit"], amount, measured, limit, capital)
    if rule is Rule.RELATED_PARTY_SINGLE:
        return _share_reason(_("Credit to the related party"), related["party_credit"], amount, measured, limit, capital)
    if rule is Rule.RELATED_PARTY_GROUP:
        return _share_reason(_("Credit to the related group"), related["group_credit"], amount, measured, limit, capital)
    if rule is Rule.RELATED_PARTY_TOTAL:
        return _share_reason(_("Credit to all related parties"), related["all_related_credit"], amount, measured, limit, capital)
    if rule is Rule.RELATED_PARTY_UNSECURED:
        if outcome is Outcome.PASSED:
            return gettext("Secured by collateral or guarantee.")
        return gettext("Unsecured credit to a related party is not allowed.")
    if rule is Rule.RESTRICTED_INDUSTRY:
        if outcome is Outcome.FAILED:
            return gettext("Industry %(industry)s is restricted by the bank's policy (%(codes)s).") % {"industry": measured, "codes": limit}
        return gettext("Industry %(industry)s is not on the restricted list.") % {"industry": measured}
    if rule is Rule.MINIMUM_GRADE:
        if not measured:
            return gettext("The borrower has no rating in force.")
        if outcome is Outcome.PASSED:
            return gettext("Grade %(grade)s meets the minimum %(minimum)s.") % {"grade": measured, "minimum": limit}
        return gettext("Grade %(grade)s is worse than the minimum %(minimum)s.") % {"grade": measured, "minimum": limit}
    if rule is Rule.RATING_VALIDITY:
        if not measured:
            return gettext("The borrower has no rating in force.")
        return gettext("Rated on %(rated)s, %(days)s days before the check (at most %(limit)s).") % {
            "rated": iso_day(facts["rated_on"]), "days": measured, "limit": limit,
        }
    if rule is Rule.COLLATERAL_VALUATION:
        item = next((c for c in facts["collateral"] if c["description"] == subject), None)
        return gettext("Valued on %(valued)s, %(days)s days before the check (at most %(limit)s).") % {
            "valued": iso_day(item["valued_on"] if item else None), "days": measured, "limit": limit,
        }
    if rule is Rule.LOAN_TO_VALUE:
        worth = sum((Decimal(c["value"]) for c in facts["collateral"]), Decimal(0))
        if not measured:
            return gettext("No collateral with a current valuation secures %(amount)s yuan.") % {"amount": yuan(amount)}
        return gettext("%(amount)s yuan applied against collateral worth %(worth)s: loan-to-value %(ltv)s%% including earlier charges, at most %(limit)s%%.") % {
            "amount": yuan(amount), "worth": yuan(worth), "ltv": measured, "limit": limit,
        }
    if rule is Rule.GUARANTOR_CAPACITY:
        if not limit:
            return gettext("The guarantor's net worth or income is not on file.")
        return gettext("Guarantees %(total)s yuan in all, against a capacity of %(capacity)s yuan.") % {
            "total": yuan(measured), "capacity": yuan(limit),
        }
    raise ValueError(f"no rendering for rule {rule}")


def rule_rows(check: PolicyCheck) -> list[RuleRow]:
    """Every rule of `check` with its outcome, figures and reason, in the reader's language.

    The facts kept with the check name the rules the policy required when it ran; the others are
    reported not applicable because the bank does not require them."""
    required_rules = set(check.facts.get("rules", [rule.value for rule in Rule]))
    rows = []
    for result in check.results.all():
        rule, outcome = Rule(result.rule), Outcome(result.outcome)
        required = result.rule in required_rules
        rows.append(
            RuleRow(
                rule=result.rule,
                name=str(RULE_LABELS[rule]),
                outcome=result.outcome,
                outcome_label=str(OUTCOME_LABELS[outcome]),
                subject=result.subject,
                measured=result.measured,
                limit=result.limit,
                reason=_reason(rule, outcome, result.subject, result.measured, result.limit, check.facts, required),
            )
        )
    return rows
