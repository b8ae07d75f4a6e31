"""Filters that word marketing's codes (rmdesk.marketing.display) and show its numbers."""

from decimal import Decimal

from django import template

from rmdesk.marketing import display

register = template.Library()


@register.filter
def offer_reason(offer) -> str:
    """An offer's one-line reason: ``{{ offer|offer_reason }}`` (an OfferSnapshot)."""
    return display.offer_reason(offer.reason, offer.params)


@register.filter
def opportunity_reason(opportunity) -> str:
    """The reason of the offer an opportunity came from, or nothing."""
    reason = opportunity.offer_reason or {}
    return display.offer_reason(reason["code"], reason.get("params", {})) if reason.get("code") else ""


@register.filter
def withheld_reason(item: dict) -> str:
    return display.withheld_reason(item["reason"], item.get("params", {}))


@register.filter
def signal_text(item: dict) -> str:
    return display.signal_text(item["signal"], item.get("params", {}))


@register.filter
def to_learn_text(item: dict) -> str:
    return display.to_learn_text(item)


@register.filter
def area_name(code: str) -> str:
    return str(display.AREA_NAMES[code]()) if code in display.AREA_NAMES else code


@register.filter
def family_name(code: str) -> str:
    return display.family_name(code)


@register.filter
def tier_name(code: str) -> str:
    return display.tier_name(code)


@register.filter
def percent(value) -> str:
    """A fraction as a whole percent: 0.1234 -> 12%; a dash for none."""
    if value is None or value == "":
        return "—"
    return f"{(Decimal(value) * 100).quantize(Decimal(1))}%"


@register.simple_tag
def cell(mapping, first, second):
    """``{% cell mapping a b %}``: the value at key (a, b) of a dict, 0 when missing."""
    return mapping.get((first, second), 0)
