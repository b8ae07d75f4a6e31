"""`{% customer_ratings customer %}`: the latest ratings of a customer, for the customer page."""

from django import template

from rmdesk.rating.selectors import customer_ratings

register = template.Library()

LATEST = 3


@register.inclusion_tag("rating/customer_section.html", takes_context=True)
def customer_rating_section(context, customer):
    """The customer's latest ratings the signed-in person may see, with a link to the whole history."""
    return {"customer": customer, "ratings": customer_ratings(user=context["request"].user, customer=customer)[:LATEST]}
