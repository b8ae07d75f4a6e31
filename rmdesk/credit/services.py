"""Writes of credit: every step of a credit goes through the domain's lifecycle and is recorded.

Each service loads the credit as the domain sees it (``rmdesk.domain.lifecycle.Credit``), applies
one command with ``lifecycle.apply`` and stores the credit after it with its new transition, in
one transaction, the application row locked. A refusal of the domain (``LifecycleError``) or of
another rule (authority, origination) becomes a ``ValidationError`` whose code is the domain's
error code and whose message is the desk's own, translated (rmdesk.credit.display); nothing is
written then. People are named to the domain by their user id.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import filetype
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rmdesk.credit.display import (
    ACTION_VERBS,
    LIFECYCLE_MESSAGES,
    checklist_text,
    day,
    missing_text,
    state_label,
    yuan,
)
from rmdesk.credit.models import (
    ApprovalDelegation,
    Collateral,
    CollateralKind,
    CreditApplication,
    CreditContract,
    CreditTransition,
    Drawdown,
    GuaranteeKind,
    Guarantor,
    Instalment,
    Investigation,
    InvestigationFile,
    InvestigationFileKind,
    Loan,
    PolicyCheck,
    PolicyCheckResult,
    RelatedParty,
    ReviewOutcomeChoice,
)
from rmdesk.credit.selectors import (
    CreditNotConfigured,
    credit_policy,
    delegations_in_force,
    holders_over,
    level_names,
    policy_facts,
    staffed_ladder,
)
from rmdesk.customers.models import Customer, CustomerKind
from rmdesk.domain import lifecycle
from rmdesk.domain.amortisation import RepaymentMethod, ScheduleError, repayment_schedule
from rmdesk.domain.authority import AuthorityError, AuthorityErrorCode, Delegation, Signatory, approval_route, signatory
from rmdesk.domain.lifecycle import Action, ApprovalSignature, Credit, CreditLine, CreditState, LifecycleError, LifecycleErrorCode
from rmdesk.domain.origination import (
    ApplicationDraft,
    CollateralEntry,
    DisbursementError,
    DisbursementErrorCode,
    GuaranteeEntry,
    PaymentMethod,
    application_missing,
    check_payment,
    checklist_for,
    open_checklist_items,
)
from rmdesk.domain.policy import check_policy
from rmdesk.org.models import User
from rmdesk.products.models import DailyBalance, Direction, Holding, Product, ProductFamily, Purpose, Transaction

# --- the credit as the domain sees it -------------------------------------------------------------

_SIGNATURE_ROUND_STARTS = {Action.RECORD_POLICY_CHECK.value, Action.RETURN_FOR_INFORMATION.value}


def _person(user_id: int | None) -> str | None:
    return None if user_id is None else str(user_id)


def _actor(user_id: int | None) -> str:
    return lifecycle.NIGHTLY_RUN if user_id is None else str(user_id)


def credit_of(application: CreditApplication) -> Credit:
    """`application` as the domain's Credit: its terms, lifecycle fields, the signatures of the
    current approval round (the approvals since the policy check or the last return) and history."""
    transitions = list(application.transitions.order_by("pk"))
    start = max((i for i, t in enumerate(transitions) if t.action in _SIGNATURE_ROUND_STARTS), default=-1)
    signatures = tuple(
        ApprovalSignature(Signatory(_person(t.by_id), t.level, _person(t.on_behalf_of_id)), t.on, t.amount, t.remark)
        for t in transitions[start + 1 :]
        if t.action == Action.APPROVE
    )
    contract = CreditContract.objects.filter(application=application).first()
    return Credit(
        reference=application.reference or f"new-{application.pk}",
        customer=str(application.customer_id),
        product_family=application.product.family,
        amount=application.amount,
        opened_by=str(application.opened_by_id),
        opened_on=application.opened_on,
        state=CreditState(application.state),
        originators=frozenset(application.originators),
        route=tuple(application.route),
        signatures=signatures,
        approved_amount=application.approved_amount,
        approval_valid_until=application.approval_valid_until,
        line=None if contract is None else CreditLine(contract.line_amount, contract.valid_from, contract.valid_until, contract.revolving),
        drawn=application.drawn,
        outstanding=application.outstanding,
        observation_ends_on=application.observation_ends_on,
        repayment_period_months=application.repayment_period_months,
        history=tuple(
            lifecycle.Transition(
                Action(t.action), CreditState(t.from_state), CreditState(t.to_state), _actor(t.by_id), t.on,
                _person(t.on_behalf_of_id), t.detail, t.amount,
            )
            for t in transitions
        ),
    )


def _refusal(error: LifecycleError, credit: Credit, action: Action, **params: Any) -> ValidationError:
    """The domain's refusal as the desk says it: the code kept, the message translated."""
    context = {
        "action": ACTION_VERBS[action],
        "state": state_label(credit.state),
        "last": day(credit.last_event_on),
        "level": level_names().get(credit.pending_level or "", credit.pending_level or ""),
        "limit": yuan(credit.approved_amount if credit.approved_amount is not None else credit.amount),
        "date": day(credit.approval_valid_until or (credit.line.valid_until if credit.line else credit.last_event_on)),
        "available": yuan(credit.available),
        "outstanding": yuan(credit.outstanding),
        "items": "",
    }
    if credit.line and error.code is LifecycleErrorCode.LINE_NOT_YET_VALID:
        context["date"] = day(credit.line.valid_from)
    if credit.observation_ends_on and error.code is LifecycleErrorCode.OBSERVATION_NOT_ENDED:
        context["date"] = day(credit.observation_ends_on)
    context.update(params)
    return ValidationError(str(LIFECYCLE_MESSAGES[error.code]) % context, code=error.code.value)


def _ensure_allowed(application: CreditApplication, action: Action) -> None:
    """Refuse, as the domain's table would, an action not allowed in the application's state, before
    any work is done for it (gathering a policy check's facts, finding a signer)."""
    if action not in lifecycle.allowed_actions(CreditState(application.state)):
        raise _refusal(LifecycleError(LifecycleErrorCode.ILLEGAL_TRANSITION, action.value), credit_of(application), action)


def _locked(application: CreditApplication) -> CreditApplication:
    return CreditApplication.objects.select_for_update().select_related("product", "customer").get(pk=application.pk)


def credit_apply(
    *, application: CreditApplication, command, by: User | None, remark: str = "", on_behalf_of: User | None = None, **refusal_params: Any
) -> CreditApplication:
    """Apply one lifecycle command to `application` and store the credit after it with its transition.
    `by` is None for the nightly run's steps (the command's ``by`` is then ``lifecycle.NIGHTLY_RUN``).

    The caller holds the transaction and the lock (services of this module, and of the apps that
    record repayments and arrears against the loans). Refused by the domain, it raises a
    ValidationError with the domain's code and the desk's message, and writes nothing.
    """
    before = credit_of(application)
    try:
        after = lifecycle.apply(before, command, credit_policy().lifecycle_policy())
    except LifecycleError as error:
        raise _refusal(error, before, command.action, **refusal_params) from None
    step = after.history[-1]
    application.state = after.state.value
    application.amount = after.amount
    application.route = list(after.route)
    application.pending_level = after.pending_level or ""
    application.originators = sorted(after.originators)
    application.approved_amount = after.approved_amount
    application.approval_valid_until = after.approval_valid_until
    application.drawn = after.drawn
    application.outstanding = after.outstanding
    application.observation_ends_on = after.observation_ends_on
    application.repayment_period_months = after.repayment_period_months
    application.save()
    level = command.signatory.level if isinstance(command, lifecycle.Approve | lifecycle.Reject | lifecycle.ReturnForInformation) else ""
    _transition_record(application, step, by=by, on_behalf_of=on_behalf_of, level=level, remark=remark)
    return application


def _transition_record(
    application: CreditApplication, step: lifecycle.Transition, *, by: User | None, on_behalf_of: User | None = None, level: str = "", remark: str = ""
) -> CreditTransition:
    """Store the domain's last step of `application` with who took it and their words."""
    return CreditTransition.objects.create(
        application=application, action=step.action.value, from_state=step.from_state.value, to_state=step.to_state.value,
        by=by, on_behalf_of=on_behalf_of, level=level, on=step.on, amount=step.amount, remark=remark.strip(), detail=step.reason,
    )


def _today(on: datetime.date | None) -> datetime.date:
    return on or timezone.localdate()


def _changeable(application: CreditApplication, by: User) -> CreditApplication:
    """The application, locked, if `by` may change its customer's records (account managers, team leaders)."""
    if not CreditApplication.objects.restrict(by, "change").filter(pk=application.pk).exists():
        raise PermissionDenied
    return _locked(application)


def _visible(application: CreditApplication, by: User) -> CreditApplication:
    if not CreditApplication.objects.restrict(by).filter(pk=application.pk).exists():
        raise PermissionDenied
    return _locked(application)


def _amend(application: CreditApplication, by: User, on: datetime.date, remark: str) -> CreditApplication:
    """Record a change to the application's terms as the domain's amendment (allowed before approval)."""
    return credit_apply(
        application=application, command=lifecycle.Amend(by=str(by.pk), on=on, amount=application.amount), by=by, remark=remark
    )


# --- the application --------------------------------------------------------------------------------

TERMS = ("product", "amount", "term_months", "annual_rate", "repayment_method", "purpose", "repayment_source", "industry_code", "for_group")


def _check_terms(*, customer: Customer, product: Product, amount: Decimal, term_months: int, annual_rate: Decimal) -> None:
    if product.family not in ProductFamily.credit_families() and product.family != ProductFamily.ACCEPTANCE_BILL:
        raise ValidationError(_("%(product)s is not a credit product.") % {"product": product}, code="not_credit")
    organisation = customer.kind in CustomerKind.organisations()
    if not (product.for_organisations if organisation else product.for_individuals):
        raise ValidationError(_("%(product)s is not offered to this kind of customer.") % {"product": product}, code="product_not_offered")
    if not isinstance(amount, Decimal) or amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise ValidationError(str(LIFECYCLE_MESSAGES[LifecycleErrorCode.AMOUNT_INVALID]), code=LifecycleErrorCode.AMOUNT_INVALID.value)
    if term_months < 1:
        raise ValidationError(_("The term must be at least one month."), code="term_invalid")
    if not Decimal(0) <= annual_rate < 1:
        raise ValidationError(_("The annual rate must be a fraction from 0 up to 1 (0.0435 for 4.35%)."), code="rate_invalid")


@transaction.atomic
def credit_application_create(
    *,
    customer: Customer,
    by: User,
    product: Product,
    amount: Decimal,
    term_months: int,
    annual_rate: Decimal,
    repayment_method: str,
    purpose: str,
    repayment_source: str,
    industry_code: str = "",
    for_group: bool = False,
    on: datetime.date | None = None,
) -> CreditApplication:
    """Open a credit application in draft for `customer`, by an account manager or team leader in whose
    scope it is; `by` becomes its first originator. The industry defaults to the customer's."""
    if not Customer.objects.restrict(by, "change").filter(pk=customer.pk).exists():
        raise PermissionDenied
    on = _today(on)
    _check_terms(customer=customer, product=product, amount=amount, term_months=term_months, annual_rate=annual_rate)
    try:
        credit = lifecycle.open_application("new", customer=str(customer.pk), product_family=product.family, amount=amount, by=str(by.pk), on=on)
    except LifecycleError as error:
        raise ValidationError(str(LIFECYCLE_MESSAGES[error.code]), code=error.code.value) from None
    application = CreditApplication.objects.create(
        customer=customer, for_group=for_group, product=product, amount=credit.amount, term_months=term_months,
        annual_rate=annual_rate, repayment_method=RepaymentMethod(repayment_method).value, purpose=purpose.strip(),
        repayment_source=repayment_source.strip(), industry_code=(industry_code or customer.industry).strip().upper(),
        state=credit.state.value, originators=sorted(credit.originators), opened_by=by, opened_on=on,
    )
    application.reference = f"SX{on.year}{application.pk:06d}"
    application.save(update_fields=["reference"])
    return application


@transaction.atomic
def credit_application_update(*, application: CreditApplication, by: User, on: datetime.date | None = None, **terms: Any) -> CreditApplication:
    """Change the application's terms (any of TERMS), recorded as an amendment: allowed in draft,
    submitted, investigation and returned (the domain's table), and `by` becomes an originator."""
    unknown = set(terms) - set(TERMS)
    if unknown:
        raise TypeError(f"not terms of an application: {sorted(unknown)}")
    application = _changeable(application, by)
    _ensure_allowed(application, Action.AMEND)
    merged = {name: terms.get(name, getattr(application, name)) for name in TERMS}
    _check_terms(customer=application.customer, product=merged["product"], amount=merged["amount"],
                 term_months=merged["term_months"], annual_rate=merged["annual_rate"])
    changed = [name for name in TERMS if terms.get(name, getattr(application, name)) != getattr(application, name)]
    if not changed:
        return application
    for name, value in merged.items():
        setattr(application, name, value.strip() if isinstance(value, str) else value)
    application.industry_code = application.industry_code.upper()
    verbose = {name: str(CreditApplication._meta.get_field(name).verbose_name) for name in changed}
    return _amend(application, by, _today(on), ", ".join(verbose.values()))


@transaction.atomic
def credit_collateral_add(*, application: CreditApplication, by: User, on: datetime.date | None = None, **fields: Any) -> Collateral:
    """Add an item of collateral (fields of Collateral) to an application whose terms may still change."""
    application = _changeable(application, by)
    if fields.get("kind") not in CollateralKind.values:
        raise ValidationError(_("Choose a kind of collateral."), code="collateral_kind")
    item = Collateral.objects.create(application=application, **fields)
    _amend(application, by, _today(on), _("collateral added: %(item)s") % {"item": item.description})
    return item


@transaction.atomic
def credit_collateral_remove(*, application: CreditApplication, by: User, collateral_id: int, on: datetime.date | None = None) -> None:
    """Remove an item of collateral from an application whose terms may still change."""
    application = _changeable(application, by)
    item = application.collateral.filter(pk=collateral_id).first()
    if item is None:
        raise ValidationError(_("That item of collateral is not on this application."), code="not_found")
    _amend(application, by, _today(on), _("collateral removed: %(item)s") % {"item": item.description})
    item.delete()


@transaction.atomic
def credit_guarantor_add(*, application: CreditApplication, by: User, on: datetime.date | None = None, **fields: Any) -> Guarantor:
    """Add a guarantor (fields of Guarantor) to an application whose terms may still change; a
    guarantor who is a customer of the bank must be one `by` may see."""
    application = _changeable(application, by)
    customer = fields.get("customer")
    if customer is not None and not Customer.objects.restrict(by).filter(pk=customer.pk).exists():
        raise PermissionDenied
    if customer is not None and customer.pk == application.customer_id:
        raise ValidationError(_("A borrower cannot guarantee its own credit."), code="own_guarantee")
    guarantor = Guarantor.objects.create(application=application, **fields)
    _amend(application, by, _today(on), _("guarantor added: %(name)s") % {"name": guarantor.name})
    return guarantor


@transaction.atomic
def credit_guarantor_remove(*, application: CreditApplication, by: User, guarantor_id: int, on: datetime.date | None = None) -> None:
    """Remove a guarantor from an application whose terms may still change."""
    application = _changeable(application, by)
    guarantor = application.guarantors.filter(pk=guarantor_id).first()
    if guarantor is None:
        raise ValidationError(_("That guarantor is not on this application."), code="not_found")
    _amend(application, by, _today(on), _("guarantor removed: %(name)s") % {"name": guarantor.name})
    guarantor.delete()


def application_draft(application: CreditApplication, on: datetime.date) -> ApplicationDraft:
    """The application as the completeness rule reads it (rmdesk.domain.origination)."""
    return ApplicationDraft(
        on=on,
        product_family=application.product.family if application.product_id else None,
        amount=application.amount,
        term_months=application.term_months,
        purpose=application.purpose,
        repayment_source=application.repayment_source,
        collateral=tuple(
            CollateralEntry(c.description, c.kind, c.value, c.valued_on, c.insured_until) for c in application.collateral.all()
        ),
        guarantors=tuple(GuaranteeEntry(g.name, g.amount) for g in application.guarantors.all()),
    )


@transaction.atomic
def credit_application_submit(*, application: CreditApplication, by: User, on: datetime.date | None = None) -> CreditApplication:
    """Submit the application (受理) once it lacks nothing (rmdesk.domain.origination.application_missing)."""
    application = _changeable(application, by)
    on = _today(on)
    missing = application_missing(application_draft(application, on), insured_kinds=credit_policy().insured_collateral_kinds)
    return credit_apply(
        application=application,
        command=lifecycle.Submit(by=str(by.pk), on=on, missing=tuple(str(m) for m in missing)),
        by=by,
        items=_("the application still lacks %(items)s") % {"items": "; ".join(missing_text(m) for m in missing)},
    )


@transaction.atomic
def credit_application_withdraw(*, application: CreditApplication, by: User, reason: str, on: datetime.date | None = None) -> CreditApplication:
    """Withdraw the application before the contract (the customer withdrew, or the bank stopped), with a reason."""
    application = _changeable(application, by)
    return credit_apply(application=application, command=lifecycle.Withdraw(by=str(by.pk), on=_today(on), reason=reason), by=by, remark=reason)


# --- the investigation --------------------------------------------------------------------------------


@transaction.atomic
def credit_investigation_start(*, application: CreditApplication, by: User, on: datetime.date | None = None) -> Investigation:
    """Start the pre-loan investigation of a submitted application, with the checklist of the customer's kind."""
    application = _changeable(application, by)
    credit_apply(application=application, command=lifecycle.StartInvestigation(by=str(by.pk), on=_today(on)), by=by)
    investigation, _created = Investigation.objects.get_or_create(
        application=application, defaults={"updated_by": by, "updated_at": timezone.now()}
    )
    return investigation


@transaction.atomic
def credit_investigation_resume(*, application: CreditApplication, by: User, on: datetime.date | None = None) -> CreditApplication:
    """Take a returned application back into investigation, to add what was asked for."""
    application = _changeable(application, by)
    return credit_apply(application=application, command=lifecycle.ResumeInvestigation(by=str(by.pk), on=_today(on)), by=by)


@transaction.atomic
def credit_investigation_save(
    *,
    application: CreditApplication,
    by: User,
    checklist: dict[str, tuple[bool, str]],
    site_visit_on: datetime.date | None,
    conclusion: str,
) -> Investigation:
    """Record the investigation's checklist (item code -> done, note), site visit and conclusion.

    Only while the application is under investigation; only the items of the customer's kind.
    Whoever investigates becomes an originator of the credit (lifecycle.Credit.originators), so
    cannot approve it.
    """
    application = _changeable(application, by)
    if application.state != CreditState.INVESTIGATION:
        raise ValidationError(
            _("The investigation can be changed only while the application is under investigation; it is %(state)s.")
            % {"state": state_label(application.state)},
            code=LifecycleErrorCode.ILLEGAL_TRANSITION.value,
        )
    codes = {item.code for item in checklist_for(application.customer.kind)}
    unknown = set(checklist) - codes
    if unknown:
        raise ValidationError(_("Not items of this checklist: %(codes)s") % {"codes": ", ".join(sorted(unknown))}, code="unknown_items")
    investigation = Investigation.objects.select_for_update().get(application=application)
    investigation.checklist = {code: {"done": bool(done), "note": note.strip()} for code, (done, note) in checklist.items()}
    investigation.site_visit_on = site_visit_on
    investigation.conclusion = conclusion.strip()
    investigation.updated_by, investigation.updated_at = by, timezone.now()
    investigation.save()
    if str(by.pk) not in application.originators:
        application.originators = sorted({*application.originators, str(by.pk)})
        application.save(update_fields=["originators"])
    return investigation


# What an investigation may hold, by the file's content (not its name): photos of the site, and
# the documents an account manager collects (PDF scans, Word and Excel files).
_PHOTO_TYPES = {"jpg", "png", "heic", "webp"}
_DOCUMENT_TYPES = _PHOTO_TYPES | {"pdf", "docx", "xlsx"}


def _check_attachment(file: UploadedFile, kind: str) -> None:
    """Refuse an empty or oversized file, or one whose content is not of a kind the investigation
    keeps (a photo must be an image): named, with its size or the type found."""
    limit = settings.RMDESK_ATTACHMENT_MAX_MB
    if not file.size:
        raise ValidationError(_("%(name)s is empty.") % {"name": file.name}, code="file_empty")
    if file.size > limit * 1024 * 1024:
        raise ValidationError(
            _("%(name)s is %(size).1f MB; files up to %(limit)d MB are kept.") % {"name": file.name, "size": file.size / 1024 / 1024, "limit": limit},
            code="file_too_large",
        )
    file.seek(0)
    found = filetype.guess(file.read(8192))
    file.seek(0)
    allowed = _PHOTO_TYPES if kind == InvestigationFileKind.PHOTO else _DOCUMENT_TYPES
    if found is None or found.extension not in allowed:
        raise ValidationError(
            _("%(name)s is not a %(kind)s the investigation keeps (%(allowed)s); its content is %(found)s.")
            % {
                "name": file.name,
                "kind": str(InvestigationFileKind(kind).label).lower(),
                "allowed": ", ".join(sorted(t.upper() for t in allowed)),
                "found": found.extension.upper() if found else _("not a known type"),
            },
            code="file_type",
        )


@transaction.atomic
def credit_investigation_attach(
    *, application: CreditApplication, by: User, file: UploadedFile, kind: str, caption: str, checklist_item: str = ""
) -> InvestigationFile:
    """Attach a photo or file to the investigation, optionally to one of its checklist items."""
    application = _changeable(application, by)
    investigation = Investigation.objects.filter(application=application).first()
    if investigation is None or application.state != CreditState.INVESTIGATION:
        raise ValidationError(_("Files are attached while the application is under investigation."), code="not_investigating")
    if checklist_item and checklist_item not in {item.code for item in checklist_for(application.customer.kind)}:
        raise ValidationError(_("Not an item of this checklist: %(code)s") % {"code": checklist_item}, code="unknown_items")
    _check_attachment(file, kind)
    return InvestigationFile.objects.create(
        investigation=investigation, file=file, kind=kind, caption=caption.strip() or file.name, checklist_item=checklist_item,
        uploaded_by=by, uploaded_at=timezone.now(),
    )


@transaction.atomic
def credit_investigation_complete(*, application: CreditApplication, by: User, on: datetime.date | None = None) -> CreditApplication:
    """Send the application to the policy check once every checklist item is done."""
    application = _changeable(application, by)
    investigation = Investigation.objects.filter(application=application).first()
    done = investigation.done_items() if investigation else set()
    open_items = open_checklist_items(application.customer.kind, done)
    return credit_apply(
        application=application,
        command=lifecycle.SendToPolicyCheck(by=str(by.pk), on=_today(on), open_items=open_items),
        by=by,
        items=_("the investigation still has open items: %(items)s") % {"items": "; ".join(checklist_text(c) for c in open_items)},
    )


# --- the policy check and the route --------------------------------------------------------------------


def _route(application: CreditApplication, grade: str | None) -> tuple[str, ...]:
    if grade is None:
        raise ValidationError(
            _("The customer has no rating in force: the approval route depends on the grade."), code=AuthorityErrorCode.NO_LEVEL_COVERS.value
        )
    try:
        return approval_route(
            staffed_ladder(application.customer), product_family=application.product.family, amount=application.amount, grade=grade
        )
    except AuthorityError:
        raise ValidationError(
            _("No approval level has the authority for %(amount)s yuan of %(family)s to a borrower graded %(grade)s: reduce the amount or withdraw.")
            % {"amount": yuan(application.amount), "family": application.product.get_family_display(), "grade": grade},
            code=AuthorityErrorCode.NO_LEVEL_COVERS.value,
        ) from None


@transaction.atomic
def credit_policy_check_run(*, application: CreditApplication, by: User, on: datetime.date | None = None) -> PolicyCheck:
    """Run the credit policy check (rmdesk.domain.policy.check_policy) on the application's facts as
    the database holds them today, keep the facts and every rule's result, and record it: passed,
    the application enters approval along the route its product, amount and grade need through the
    levels staffed over the customer; failed, it returns to the account manager."""
    application = _changeable(application, by)
    on = _today(on)
    _ensure_allowed(application, Action.RECORD_POLICY_CHECK)
    try:
        setting = credit_policy()
        policy = setting.as_rules()
        found = policy_facts(application, on=on)
    except CreditNotConfigured:
        raise ValidationError(
            _("The credit policy or the bank's net capital is not on file: the administrator enters it."), code="not_configured"
        ) from None
    report = check_policy(found.facts, policy)
    route = _route(application, found.facts.grade) if report.passed else ()
    record = {**found.as_record(), "rules": sorted(rule.value for rule in policy.rules)}
    check = PolicyCheck.objects.create(
        application=application, checked_on=on, checked_by=by, passed=report.passed, facts=record, route=list(route)
    )
    PolicyCheckResult.objects.bulk_create(
        PolicyCheckResult(
            policy_check=check, position=position, rule=result.rule.value, outcome=result.outcome.value, subject=result.subject,
            measured="" if result.measured is None else str(result.measured),
            limit="" if result.limit is None else str(result.limit), reason=result.reason,
        )
        for position, result in enumerate(report.results)
    )
    credit_apply(application=application, command=lifecycle.RecordPolicyCheck(by=str(by.pk), on=on, report=report, route=route), by=by)
    return check


# --- approval ----------------------------------------------------------------------------------------------


class Decision:
    APPROVE = "approve"
    REJECT = "reject"
    RETURN = "return"


def signer_for(*, application: CreditApplication, person: User, on: datetime.date) -> tuple[Signatory, User | None]:
    """Who `person` signs as at the level `application` waits for: as a holder of that role with the
    customer in their scope, or as the delegate of such a holder away on `on` (rmdesk.domain.
    authority.signatory). Returns the signatory and the approver signed for, if any."""
    level = application.pending_level
    holders = {str(p.pk) for p in holders_over(application.customer, level)} if level else set()
    delegations = [d for d in delegations_in_force(delegate=person, on=on) if d.delegator.role_id == level]
    try:
        signer = signatory(str(person.pk), level=level, on=on, holders={level: holders}, delegations=[d.as_rules() for d in delegations])
    except AuthorityError:
        raise ValidationError(
            _("You neither hold the level this application waits for (%(level)s) over this customer, nor sign today for someone who does.")
            % {"level": level_names().get(level, level)},
            code=AuthorityErrorCode.NOT_AT_LEVEL.value,
        ) from None
    on_behalf_of = next((d.delegator for d in delegations if str(d.delegator_id) == signer.on_behalf_of), None)
    return signer, on_behalf_of


@transaction.atomic
def credit_decide(
    *,
    application: CreditApplication,
    by: User,
    decision: str,
    opinion: str = "",
    approved_amount: Decimal | None = None,
    on: datetime.date | None = None,
) -> CreditApplication:
    """Sign the level the application waits for: approve (the last level decides, the lower ones
    recommend), reject with a reason, or return it for more information with what is needed.

    Four-eyes, one person per level and the signer's authority are the domain's rules
    (lifecycle._signature_allowed, authority.signatory); delegation lets a delegate sign while the
    approver is away.
    """
    application = _visible(application, by)
    on = _today(on)
    actions = {Decision.APPROVE: Action.APPROVE, Decision.REJECT: Action.REJECT, Decision.RETURN: Action.RETURN_FOR_INFORMATION}
    if decision not in actions:
        raise ValueError(f"unknown decision {decision!r}")
    _ensure_allowed(application, actions[decision])
    signer, on_behalf_of = signer_for(application=application, person=by, on=on)
    if decision == Decision.APPROVE:
        command = lifecycle.Approve(signatory=signer, on=on, approved_amount=approved_amount, opinion=opinion.strip())
    elif decision == Decision.REJECT:
        command = lifecycle.Reject(signatory=signer, on=on, reason=opinion)
    else:
        command = lifecycle.ReturnForInformation(signatory=signer, on=on, reason=opinion)
    return credit_apply(application=application, command=command, by=by, remark=opinion, on_behalf_of=on_behalf_of)


@transaction.atomic
def approval_delegation_create(
    *, delegator: User, delegate: User, starts_on: datetime.date, ends_on: datetime.date, reason: str
) -> ApprovalDelegation:
    """An approver away from `starts_on` to `ends_on` lets `delegate` sign for them (authority.Delegation).

    Only someone holding approval authority delegates it, to another active person, for a reason."""
    if not delegator.role_id or not delegator.role.authorities.exists():
        raise ValidationError(_("You hold no approval authority to delegate."), code=AuthorityErrorCode.DELEGATION_INVALID.value)
    if not delegate.is_active:
        raise ValidationError(_("%(person)s cannot sign: their account is inactive.") % {"person": delegate}, code="inactive")
    if not reason.strip():
        raise ValidationError(str(LIFECYCLE_MESSAGES[LifecycleErrorCode.REASON_REQUIRED]), code=LifecycleErrorCode.REASON_REQUIRED.value)
    try:
        Delegation(str(delegator.pk), str(delegate.pk), starts_on, ends_on)
    except AuthorityError:
        raise ValidationError(
            _("A delegation goes to someone else and ends on or after the day it starts."), code=AuthorityErrorCode.DELEGATION_INVALID.value
        ) from None
    return ApprovalDelegation.objects.create(
        delegator=delegator, delegate=delegate, starts_on=starts_on, ends_on=ends_on, reason=reason.strip(), created_at=timezone.now()
    )


@transaction.atomic
def approval_delegation_cancel(*, delegation: ApprovalDelegation, by: User) -> ApprovalDelegation:
    """The approver who delegated ends the delegation now (it stays on record)."""
    delegation = ApprovalDelegation.objects.select_for_update().get(pk=delegation.pk)
    if delegation.delegator_id != by.pk:
        raise PermissionDenied
    if delegation.cancelled_at is None:
        delegation.cancelled_at = timezone.now()
        delegation.save(update_fields=["cancelled_at"])
    return delegation


# --- contract, credit line and drawdowns ---------------------------------------------------------------------


@transaction.atomic
def credit_contract_sign(
    *,
    application: CreditApplication,
    by: User,
    line_amount: Decimal,
    valid_from: datetime.date,
    valid_until: datetime.date,
    revolving: bool = False,
    annual_rate: Decimal | None = None,
    repayment_method: str | None = None,
    on: datetime.date | None = None,
) -> CreditContract:
    """Sign the credit contract of an approved application, within the approval's validity and amount,
    and set its credit line (lifecycle.SignContract)."""
    application = _changeable(application, by)
    on = _today(on)
    try:
        line = CreditLine(line_amount, valid_from, valid_until, revolving)
    except LifecycleError as error:
        raise _refusal(error, credit_of(application), Action.SIGN_CONTRACT) from None
    credit_apply(application=application, command=lifecycle.SignContract(by=str(by.pk), on=on, line=line), by=by)
    return CreditContract.objects.create(
        application=application, number=f"SXHT{on.year}{application.pk:06d}", signed_on=on, signed_by=by,
        line_amount=line.amount, valid_from=valid_from, valid_until=valid_until, revolving=revolving,
        annual_rate=application.annual_rate if annual_rate is None else annual_rate,
        repayment_method=repayment_method or application.repayment_method,
    )


def _guarantee_kind(application: CreditApplication) -> str:
    kinds = [CollateralKind.guarantee_kind(c.kind) for c in application.collateral.all()]
    if GuaranteeKind.MORTGAGE in kinds:
        return GuaranteeKind.MORTGAGE
    if kinds:
        return GuaranteeKind.PLEDGE
    return GuaranteeKind.GUARANTEE if application.guarantors.exists() else GuaranteeKind.CREDIT


@transaction.atomic
def credit_drawdown(
    *,
    application: CreditApplication,
    by: User,
    amount: Decimal,
    term_months: int,
    first_due_on: datetime.date,
    payment_method: str,
    counterparty_name: str = "",
    counterparty_account: str = "",
    counterparty_bank: str = "",
    on: datetime.date | None = None,
) -> Drawdown:
    """Draw down on the credit line: the loan opens with its account, balance, disbursement and
    repayment schedule (rmdesk.domain.amortisation), paid to the borrower or, where the policy
    requires it, by entrusted payment to the named counterparty (rmdesk.domain.origination).
    Refused on a line its latest annual review froze or decided to exit."""
    application = _changeable(application, by)
    on = _today(on)
    _ensure_allowed(application, Action.DRAW)
    contract = CreditContract.objects.get(application=application)
    _check_not_frozen(contract)
    renewed = _renewed_loans(application, amount=amount, on=on)
    method = PaymentMethod(payment_method)
    try:
        check_payment(
            customer_kind=application.customer.kind, amount=amount, method=method, counterparty_name=counterparty_name,
            counterparty_account=counterparty_account, policy=credit_policy().disbursement_policy(),
        )
    except DisbursementError as error:
        messages = {
            DisbursementErrorCode.ENTRUSTED_PAYMENT_REQUIRED: _("The policy requires entrusted payment for this amount: the bank pays the counterparty directly."),
            DisbursementErrorCode.COUNTERPARTY_MISSING: _("An entrusted payment names the counterparty and its account."),
        }
        raise ValidationError(str(messages[error.code]), code=error.code.value) from None
    if first_due_on <= on:
        raise ValidationError(_("The first instalment falls due after the drawdown."), code="first_due_invalid")
    try:
        schedule = repayment_schedule(
            principal=amount, annual_rate=contract.annual_rate, months=term_months,
            method=RepaymentMethod(contract.repayment_method), first_due_date=first_due_on,
        )
    except ScheduleError as error:
        raise ValidationError(_("The repayment schedule cannot be computed: %(error)s") % {"error": error.message}, code=error.code.value) from None
    credit_apply(application=application, command=lifecycle.Draw(by=str(by.pk), on=on, amount=amount), by=by)
    number = contract.drawdowns.count() + 1
    holding = Holding.objects.create(
        customer=application.customer, product=application.product, account_number=f"LNSX{application.pk:08d}{number:02d}",
        opened_on=on, balance=amount, balance_as_of=on,
    )
    DailyBalance.objects.create(holding=holding, on=on, balance=amount)
    paid_to = (counterparty_name, counterparty_account, counterparty_bank) if method is PaymentMethod.ENTRUSTED else (application.customer.name, "", "")
    Transaction.objects.create(
        holding=holding, customer=application.customer, booked_on=on, amount=amount, direction=Direction.DEBIT,
        counterparty_name=paid_to[0], counterparty_account=paid_to[1], counterparty_bank=paid_to[2],
        channel="counter", purpose=Purpose.LOAN_DRAWDOWN,
    )
    loan = Loan.objects.create(
        holding=holding, customer=application.customer, contract_number=f"{contract.number}-{number:02d}", principal=amount,
        annual_rate=contract.annual_rate, term_months=term_months, repayment_method=contract.repayment_method,
        guarantee_kind=_guarantee_kind(application), purpose=application.purpose[:200], disbursed_on=on,
        maturity_on=schedule[-1].due_date, outstanding_principal=amount, status_as_of=on,
    )
    Instalment.objects.bulk_create(
        Instalment(loan=loan, number=i.number, due_on=i.due_date, principal_due=i.principal, interest_due=i.interest) for i in schedule
    )
    drawdown = Drawdown.objects.create(
        contract=contract, number=number, drawn_on=on, amount=amount, term_months=term_months, first_due_on=first_due_on,
        payment_method=method.value, counterparty_name=counterparty_name.strip(), counterparty_account=counterparty_account.strip(),
        counterparty_bank=counterparty_bank.strip(), loan=loan, drawn_by=by,
    )
    if renewed is not None:
        _renewal_repays(application, renewed, by=by, on=on)
    return drawdown


def _check_not_frozen(contract: CreditContract) -> None:
    """Refuse a drawdown on a line whose latest confirmed annual review froze it or decided to
    exit the credit (rmdesk.domain.annual_review): what is owed is repaid, nothing more is lent."""
    review = contract.reviews.exclude(outcome="").order_by("-due_on", "-pk").first()
    if review is not None and review.outcome in (ReviewOutcomeChoice.FREEZE, ReviewOutcomeChoice.EXIT):
        raise ValidationError(
            _("The annual review of %(date)s decided: %(outcome)s. No drawdown on this line.")
            % {"date": day(review.confirmed_on), "outcome": review.get_outcome_display()},
            code="line_frozen",
        )


def _renewed_loans(application: CreditApplication, *, amount: Decimal, on: datetime.date) -> list[Loan] | None:
    """For the first drawdown of a renewal whose predecessor is still open: its loans, once it is
    checked that the predecessor is performing (a renewal never repays arrears: that would be a
    restructuring, rmdesk.domain.lifecycle.renew) and that `amount` covers what repaying them all
    early costs today (rmdesk.domain.repayment.payoff_schedule). None when nothing is to repay."""
    if application.renews_id is None or Drawdown.objects.filter(contract__application=application).exists():
        return None
    predecessor = _locked(application.renews)
    if predecessor.state in (CreditState.CLOSED, CreditState.CONTRACT_SIGNED):
        return None
    if predecessor.state not in (CreditState.DISBURSED, CreditState.REPAYING):
        raise ValidationError(
            _("%(reference)s, which this renewal follows, is %(state)s: a renewal does not repay a credit in difficulty; that is a restructuring.")
            % {"reference": predecessor.reference, "state": state_label(predecessor.state)},
            code="renewed_credit_not_performing",
        )
    loans = list(Loan.objects.filter(drawdown__contract__application=predecessor, outstanding_principal__gt=0).order_by("pk"))
    owed = sum((_payoff_amount(loan, on) for loan in loans), Decimal(0))
    if amount < owed:
        raise ValidationError(
            _("The first drawdown of this renewal repays %(reference)s, which costs %(owed)s yuan today: draw at least that.")
            % {"reference": predecessor.reference, "owed": yuan(owed)},
            code="renewal_short",
        )
    return loans


def _payoff_amount(loan: Loan, on: datetime.date) -> Decimal:
    """What repaying `loan` in full on `on` costs, penalty interest included."""
    # The risk app keeps the repayments and their penalty: imported here, not at the top.
    from rmdesk.risk.selectors import payoff_of, schedule_of

    return payoff_of(loan, schedule_of(loan.instalments.order_by("number")), on=on)[1]


def _renewal_repays(application: CreditApplication, loans: list[Loan], *, by: User, on: datetime.date) -> None:
    """The renewal's first drawdown repays the loans of the credit it follows, which then closes."""
    # The risk app records repayments against the credits of this one: imported here, not at the top.
    from rmdesk.risk.services import loan_payoff

    for loan in loans:
        loan_payoff(loan_id=loan.pk, user=by, paid_on=on, reference=_("Renewal %(reference)s") % {"reference": application.reference})
    predecessor = _locked(application.renews)
    credit_apply(
        application=predecessor, command=lifecycle.Close(by=str(by.pk), on=max(on, credit_of(predecessor).last_event_on)), by=by,
        remark=_("Repaid by the renewal %(reference)s.") % {"reference": application.reference},
    )


@transaction.atomic
def credit_close(*, application: CreditApplication, by: User, on: datetime.date | None = None) -> CreditApplication:
    """Close a credit with nothing outstanding (rmdesk.domain.lifecycle.Close): a line never drawn,
    or one repaid in full; refused while anything is owed."""
    application = _changeable(application, by)
    on = max(_today(on), credit_of(application).last_event_on)
    return credit_apply(application=application, command=lifecycle.Close(by=str(by.pk), on=on), by=by)


@transaction.atomic
def credit_renew(*, application: CreditApplication, by: User, amount: Decimal | None = None, on: datetime.date | None = None) -> CreditApplication:
    """Open the renewal (续贷) of a performing credit (rmdesk.domain.lifecycle.renew): a new
    application in draft with the same terms, collateral and guarantors, for `amount` (the amount
    approved, by default), which refers to it. The renewal goes through investigation, policy
    check and approval itself (the collateral's valuation and the guarantors' capacity are
    checked again there); its first drawdown repays this credit, which then closes. One renewal
    at a time: refused while another is open."""
    application = _changeable(application, by)
    on = max(_today(on), credit_of(application).last_event_on)
    _ensure_allowed(application, Action.RENEW)
    ended = (CreditState.REJECTED, CreditState.WITHDRAWN)
    if (open_renewal := application.renewals.exclude(state__in=ended).first()) is not None:
        raise ValidationError(
            _("%(reference)s already renews this credit.") % {"reference": open_renewal.reference}, code="renewal_open"
        )
    amount = amount or application.approved_amount or application.amount
    successor = credit_application_create(
        customer=application.customer, by=by, on=on, amount=amount,
        **{name: getattr(application, name) for name in TERMS if name != "amount"},
    )
    successor.renews = application
    successor.save(update_fields=["renews"])
    Collateral.objects.bulk_create(
        Collateral(**{f.name: getattr(item, f.name) for f in Collateral._meta.concrete_fields if f.name not in ("id", "application")}, application=successor)
        for item in application.collateral.all()
    )
    Guarantor.objects.bulk_create(
        Guarantor(**{f.name: getattr(item, f.name) for f in Guarantor._meta.concrete_fields if f.name not in ("id", "application")}, application=successor)
        for item in application.guarantors.all()
    )
    before = credit_of(application)
    command = lifecycle.Renew(by=str(by.pk), on=on, reference=successor.reference, amount=amount)
    try:
        after, _successor = lifecycle.renew(before, command)
    except LifecycleError as error:
        raise _refusal(error, before, command.action) from None
    _transition_record(application, after.history[-1], by=by, remark=_("Renewal %(reference)s opened.") % {"reference": successor.reference})
    return successor


# --- the bank's related parties --------------------------------------------------------------------------------


def _keeps_related_parties(by: User) -> None:
    if not by.maintains_related_parties:
        raise PermissionDenied


@transaction.atomic
def related_party_record(
    *, customer: Customer, by: User, basis: str, listed_on: datetime.date, related_group: str = ""
) -> RelatedParty:
    """Put a customer on the bank's list of related parties, as compliance maintains it (a role
    with ``maintains_related_parties``): why it is related, from when, and its related group.
    A customer already listed is refused: its listing is ended before it is listed again."""
    _keeps_related_parties(by)
    if not Customer.objects.restrict(by).filter(pk=customer.pk).exists():
        raise PermissionDenied
    if not basis.strip():
        raise ValidationError(str(LIFECYCLE_MESSAGES[LifecycleErrorCode.REASON_REQUIRED]), code=LifecycleErrorCode.REASON_REQUIRED.value)
    if listed_on > timezone.localdate():
        raise ValidationError(_("A listing starts today or earlier, not on %(date)s.") % {"date": day(listed_on)}, code="date_in_future")
    current = RelatedParty.objects.select_for_update().filter(customer=customer, ended_on__isnull=True).first()
    if current is not None:
        raise ValidationError(
            _("%(customer)s is already listed since %(date)s.") % {"customer": customer.name, "date": day(current.listed_on)}, code="already_listed"
        )
    return RelatedParty.objects.create(customer=customer, basis=basis.strip(), listed_on=listed_on, related_group=related_group.strip())


@transaction.atomic
def related_party_end(*, listing: RelatedParty, by: User, ended_on: datetime.date) -> RelatedParty:
    """End a customer's listing as a related party on `ended_on` (not before it began, not in the
    future); the listing is kept, so the limits checked in the past can be read again."""
    _keeps_related_parties(by)
    listing = RelatedParty.objects.restrict(by).select_for_update().filter(pk=listing.pk).first()
    if listing is None:
        raise PermissionDenied
    if listing.ended_on is not None:
        raise ValidationError(_("This listing ended on %(date)s.") % {"date": day(listing.ended_on)}, code="already_ended")
    if not listing.listed_on <= ended_on <= timezone.localdate():
        raise ValidationError(
            _("A listing ends between its start, %(start)s, and today.") % {"start": day(listing.listed_on)}, code="date_invalid"
        )
    listing.ended_on = ended_on
    listing.save(update_fields=["ended_on"])
    return listing
