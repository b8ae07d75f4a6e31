"""How marketing's codes read on screen: an offer's one-line reason, why a product is withheld,
the radar's signals and what to learn, each worded from its code and parameters in the
language in use (the batch stores codes, never sentences)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from rmdesk.customers.models import Tier
from rmdesk.marketing.models import ProductPackage
from rmdesk.products.models import ProductFamily

AREA_NAMES = {
    "profile": lambda: _("Profile"),
    "key_people": lambda: _("Key people"),
    "statements": lambda: _("Financial statements"),
    "interests": lambda: _("Interests"),
    "competitors": lambda: _("Other banks"),
    "visit": lambda: _("Visits"),
}

FIELD_NAMES = {
    "phone": lambda: _("phone"),
    "address": lambda: _("address"),
    "township": lambda: _("township"),
    "industry": lambda: _("industry"),
    "occupation": lambda: _("occupation"),
    "established_on": lambda: _("date established"),
    "registered_capital": lambda: _("registered capital"),
}


def yuan(text: str) -> str:
    """An amount in yuan as text, grouped in thousands with two decimals: 12,345.60."""
    try:
        return f"{Decimal(text):,.2f}"
    except (InvalidOperation, TypeError, ValueError):
        return str(text)


def package_name(code: str) -> str:
    package = ProductPackage.objects.filter(code=code).first()
    return package.name if package else code


def offer_reason(code: str, params: dict) -> str:
    """The one line an account manager can say aloud about an offer."""
    p = dict(params)
    if code == "idle_balance":
        return _("%(amount)s yuan is lying idle in current accounts here.") % {"amount": yuan(p.get("amount", ""))}
    if code == "salary_paid_here":
        return _("A salary or pension of %(amount)s yuan a month is paid in here.") % {"amount": yuan(p.get("amount", ""))}
    if code == "sales_received_here":
        return _("Sales of %(amount)s yuan a month are received here.") % {"amount": yuan(p.get("amount", ""))}
    if code == "pays_wages":
        return _("Pays %(amount)s yuan a month in wages from here.") % {"amount": yuan(p.get("amount", ""))}
    if code == "completes_package":
        return _("Completes the %(package)s: the customer holds %(held)s of its %(size)s products.") % {
            "package": package_name(p.get("package", "")), "held": p.get("held", ""), "size": p.get("size", ""),
        }
    if code == "similar_customers_hold":
        return _("%(percent)s%% of similar customers hold it.") % {"percent": p.get("percent", "")}
    if code == "likely_to_accept":
        if p.get("percent") == "0":
            return _("Less than one chance in a hundred that the customer takes it up, but the profit makes it worth offering.")
        return _("A %(percent)s%% chance the customer takes it up.") % {"percent": p.get("percent", "")}
    return code


def withheld_reason(code: str, params: dict) -> str:
    """Why a product is not offered, in words."""
    p = dict(params)
    texts = {
        "not_for_this_kind": lambda: _("Not a product for this kind of customer."),
        "already_held": lambda: _("Already held."),
        "non_performing": lambda: _("No credit: the customer's debts are non-performing."),
        "special_mention": lambda: _("No credit: the customer is classified special mention."),
        "not_rated": lambda: _("No credit: the customer has no confirmed rating."),
        "grade_below_minimum": lambda: _("No credit: grade %(grade)s is below the minimum %(minimum)s.") % p,
        "policy_rule_failed": lambda: _("No credit: the credit policy refuses it (%(rules)s).") % p,
        "not_profitable": lambda: _("Not profitable for the bank (%(profit)s yuan a year).") % {"profit": yuan(p.get("profit", ""))},
    }
    return texts[code]() if code in texts else code


def signal_text(code: str, params: dict) -> str:
    """An attrition signal in words, with its numbers."""
    p = dict(params)
    sources = {"salary": _("salary"), "pension": _("pension"), "sales": _("sales"), "income": _("income")}
    texts = {
        "competitor_appears": lambda: _("Money moved to own accounts at %(banks)s: %(amount)s yuan.") % {
            "banks": p.get("banks", ""), "amount": yuan(p.get("amount", ""))
        },
        "products_closed": lambda: _("Products closed early: %(products)s.") % p,
        "income_moved": lambda: _("Regular %(source)s paid in here fell by %(fall)s%%.") % {
            "source": sources.get(p.get("source", ""), p.get("source", "")), "fall": p.get("fall", "")
        },
        "balance_falling": lambda: _("Savings fell by %(fall)s%%, from %(before)s to %(now)s yuan on average.") % {
            "fall": p.get("fall", ""), "before": yuan(p.get("before", "")), "now": yuan(p.get("now", ""))
        },
    }
    return texts[code]() if code in texts else code


def to_learn_text(item: dict) -> str:
    """One thing to learn on the next visit, in words."""
    area = AREA_NAMES.get(item["area"], lambda: item["area"])()
    if item.get("field"):
        what = FIELD_NAMES.get(item["field"], lambda: item["field"])()
        return _("%(area)s: the %(field)s") % {"area": area, "field": what}
    return str(area)


def family_name(code: str) -> str:
    return str(ProductFamily(code).label) if code in ProductFamily.values else code


def tier_name(code: str) -> str:
    return str(Tier(code).label) if code in Tier.values else code
