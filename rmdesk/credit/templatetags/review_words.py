"""Words of the annual review for the templates: outcomes and the machine's reasons, in the reader's
language, from the codes and figures rmdesk.domain.annual_review gives (kept with the review)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import template
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rmdesk.credit.models import ReviewOutcomeChoice
from rmdesk.domain.annual_review import ReviewReasonCode
from rmdesk.risk.models import CategoryChoice

register = template.Library()


def _yuan(text: str) -> str:
    return number_format(Decimal(text), 2, force_grouping=True)


def _day(text: str) -> str:
    return date_format(datetime.date.fromisoformat(text)) if text else "—"


@register.filter
def outcome_label(value: str) -> str:
    """The name of an outcome (its stored value), or a dash for none."""
    return str(ReviewOutcomeChoice(value).label) if value else "—"


@register.filter
def category_name(value: str) -> str:
    return str(CategoryChoice(value).label) if value else "—"


@register.filter
def yuan(value: str) -> str:
    """An amount kept as text, grouped to the fen in the reader's format."""
    return _yuan(value) if value not in (None, "") else "—"


@register.filter
def iso_date(value: str) -> str:
    """A date kept in ISO form, in the reader's format."""
    return _day(value)


@register.filter
def review_reason(reason: dict) -> str:
    """One reason of the machine's recommendation as a sentence in the reader's language."""
    f = reason.get("figures") or {}
    match ReviewReasonCode(reason["code"]):
        case ReviewReasonCode.NON_PERFORMING:
            return _("A loan of the line is non-performing (%(category)s).") % {"category": CategoryChoice(f["category"]).label}
        case ReviewReasonCode.SPECIAL_MENTION:
            return _("A loan of the line is special mention.")
        case ReviewReasonCode.DAYS_PAST_DUE:
            days = int(f["days"])
            return ngettext(
                "A loan was %(days)d day past due in the last twelve months (more than %(limit)s).",
                "A loan was %(days)d days past due in the last twelve months (more than %(limit)s).",
                days,
            ) % {"days": days, "limit": f["limit"]}
        case ReviewReasonCode.GRADE_IN_DEFAULT:
            return _("The borrower's grade is %(grade)s (default).") % {"grade": f["grade"]}
        case ReviewReasonCode.RATING_EXPIRED:
            if not f.get("valid_until"):
                return _("The borrower has no decided rating.")
            return _("The borrower's rating lapsed on %(date)s: re-rate before the line continues.") % {"date": _day(f["valid_until"])}
        case ReviewReasonCode.GRADE_FELL:
            notches = int(f["notches"])
            return ngettext(
                "The grade fell %(notches)d notch since approval, from %(from)s to %(to)s.",
                "The grade fell %(notches)d notches since approval, from %(from)s to %(to)s.",
                notches,
            ) % {"notches": notches, "from": f["from"], "to": f["to"]}
        case ReviewReasonCode.LINE_MOSTLY_UNUSED:
            return _("Only %(percent)s%% of the line is used (%(outstanding)s of %(line)s yuan, under %(floor)s%%): reduce it to what is used.") % {
                "percent": f["percent"], "outstanding": _yuan(f["outstanding"]), "line": _yuan(f["line"]), "floor": f["floor"],
            }
        case ReviewReasonCode.DEPOSITS_FELL:
            return _("Deposits here fell by %(percent)s%% over the year, from %(before)s to %(now)s yuan (more than %(limit)s%%).") % {
                "percent": f["percent"], "before": _yuan(f["before"]), "now": _yuan(f["now"]), "limit": f["limit"],
            }
        case ReviewReasonCode.INSPECTIONS_LATE:
            count = int(f["count"])
            return ngettext("%(count)d post-loan inspection is late.", "%(count)d post-loan inspections are late.", count) % {"count": count}
        case ReviewReasonCode.STATEMENT_FLAGS:
            count = int(f["count"])
            return ngettext(
                "The latest statements carry %(count)d flag to explain.", "The latest statements carry %(count)d flags to explain.", count
            ) % {"count": count}
