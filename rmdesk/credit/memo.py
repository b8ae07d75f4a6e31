"""The credit memo (授信审批书), the approval document, as PDF in Chinese or English.

Rendered with WeasyPrint from a template in the requested language; the fonts are the system's
(Debian's fonts-noto-cjk: Noto Sans CJK SC carries Chinese and Latin alike), and nothing is
fetched from outside: the memo has no external resource.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import HTML

from rmdesk.credit.display import rule_rows, state_label
from rmdesk.credit.models import CreditApplication
from rmdesk.credit.report import investigation_report
from rmdesk.credit.selectors import history_of, investigation_of, latest_policy_check, level_names
from rmdesk.org.models import User

MEMO_LANGUAGES = ("zh-hans", "en")


def credit_memo_html(*, user: User, application: CreditApplication, language: str) -> str:
    """The memo's HTML in `language`: the credit's terms, the borrower as the investigation found
    it, the policy check rule by rule, the approval route with every signature and opinion."""
    with translation.override(language):
        check = latest_policy_check(application)
        investigation = investigation_of(application)
        context = {
            "language": language,
            "application": application,
            "customer": application.customer,
            "state_label": state_label(application.state),
            "investigation": investigation,
            "report": investigation_report(user=user, application=application, investigation=investigation),
            "check": check,
            "rows": rule_rows(check) if check else [],
            "history": history_of(application),
            "levels": level_names(),
            "collateral": application.collateral.all(),
            "guarantors": application.guarantors.all(),
            "printed_at": timezone.localtime(),
            "printed_by": user,
        }
        return render_to_string("credit/memo.html", context)


def credit_memo_pdf(*, user: User, application: CreditApplication, language: str) -> bytes:
    """The memo as PDF bytes in `language` (one of MEMO_LANGUAGES)."""
    if language not in MEMO_LANGUAGES:
        raise ValueError(f"the memo is printed in {', '.join(MEMO_LANGUAGES)}, not {language!r}")
    return HTML(string=credit_memo_html(user=user, application=application, language=language)).write_pdf()
