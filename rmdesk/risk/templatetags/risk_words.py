"""Risk words for the templates: categories, the rules behind a floor, answers, in the user's language."""

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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


@register.filter
def answer_label(value: str) -> str:
    return str(Answer(value).label) if value else "—"
