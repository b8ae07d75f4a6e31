"""Credit on other pages: `{% customer_credit_section customer %}` for the customer page; `get` for level names."""

from django import template

from rmdesk.credit.display import checklist_text, iso_day
from rmdesk.credit.selectors import customer_credit
from rmdesk.customers.models import Customer

register = template.Library()

LATEST = 5


@register.inclusion_tag("credit/customer_section.html", takes_context=True)
def customer_credit_section(context, customer):
    """The customer's latest credit applications the signed-in person may see, and a way to open one."""
    user = context["request"].user
    return {
        "customer": customer,
        "applications": customer_credit(user=user, customer=customer)[:LATEST],
        "may_apply": Customer.objects.restrict(user, "change").filter(pk=customer.pk).exists(),
    }


@register.filter
def get(mapping: dict, key):
    """`levels|get:code`: a value of a dictionary by key, the key itself when absent."""
    return mapping.get(key, key)


@register.filter
def checklist_label(code: str) -> str:
    """A checklist item's label in the reader's language."""
    return checklist_text(code)


register.filter("iso_day", iso_day)
