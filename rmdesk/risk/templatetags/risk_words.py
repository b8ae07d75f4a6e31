"""Risk words for the templates: categories, the rules behind a floor, answers, in the user's language."""

import datetime
from decimal import Decimal

from django import template
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from rmdesk.domain.classification import FloorRule
from rmdesk.risk.models import Answer, CategoryChoice

register = template.Library()

RULES = {
    FloorRule.DAYS_PAST_DUE: gettext_lazy("Days past due"),
    FloorRule.CREDIT_CARD_DAYS_PAST_DUE: gettext_lazy("Days past due (credit-card table)"),
    FloorRule.RESTRUCTURED_OBSERVATION: gettext_lazy("Restructured, in its observation period"),
    FloorRule.CATEGORY_BEFORE_RESTRUCTURING: gettext_lazy("Not better than before restructuring"),
    FloorRule.DEBTOR_NON_PERFORMING_SHARE: gettext_lazy("Debtor rule: too much of what the debtor owes is non-performing"),
    FloorRule.JUDGEMENT: gettext_lazy("Judgement"),
}


@register.filter
def category_label(value: str) -> str:
    """The name of a category (its stored value), or a dash for none."""
    return str(CategoryChoice(value).label) if value else "—"


@register.filter
def rule_text(reason) -> str:
    """One rule behind a floor (a domain Reason, or one recorded with a change of category):
    the rule and the least category it allows."""
    rule, category = (reason["rule"], reason["category"]) if isinstance(reason, dict) else (reason.rule, reason.category)
    return _("%(rule)s: at least %(category)s") % {"rule": RULES[FloorRule(rule)], "category": CategoryChoice(category).label}


def _figures(reason) -> tuple[str, dict, str]:
    if isinstance(reason, dict):
        return reason["rule"], reason.get("figures") or {}, reason.get("detail", "")
    return reason.rule, dict(reason.figures), reason.detail


@register.filter
def rule_detail(reason) -> str:
    """The facts behind one rule of a floor, in the reader's language, from the figures the domain
    gave with it; reasons recorded before the figures were kept fall back to the domain's words."""
    rule, figures, detail = _figures(reason)
    try:
        match FloorRule(rule):
            case FloorRule.DAYS_PAST_DUE | FloorRule.CREDIT_CARD_DAYS_PAST_DUE:
                days = int(figures["days"])
                return ngettext("%(days)d day past due", "%(days)d days past due", days) % {"days": days}
            case FloorRule.RESTRUCTURED_OBSERVATION:
                return _("in observation until %(date)s") % {"date": date_format(datetime.date.fromisoformat(figures["until"]))}
            case FloorRule.CATEGORY_BEFORE_RESTRUCTURING:
                return _("%(category)s before restructuring") % {"category": CategoryChoice(figures["before"]).label}
            case FloorRule.DEBTOR_NON_PERFORMING_SHARE:
                return _("%(share)s%% of what the debtor owes (%(non_performing)s of %(total)s yuan) is non-performing, over %(limit)s%%") % {
                    "share": figures["share"],
                    "non_performing": number_format(Decimal(figures["non_performing"]), 2, force_grouping=True),
                    "total": number_format(Decimal(figures["total"]), 2, force_grouping=True),
                    "limit": figures["limit"],
                }
    except KeyError:
        return detail
    return detail


@register.filter
def answer_label(value: str) -> str:
    return str(Answer(value).label) if value else "—"
