"""`{% personal value "phone" %}`: personal data masked unless this response shows it in full."""

from django import template

from rmdesk.domain.masking import mask

register = template.Library()


@register.simple_tag(takes_context=True)
def personal(context, value, kind: str) -> str:
    """`value` masked by the pattern of `kind`, or in full when the view set `personal_data_unmasked`.

    A view sets it only after recording who asked to see the data and why
    (rmdesk.core.audit.personal_data_viewed).
    """
    if context.get("personal_data_unmasked"):
        return value or ""
    return mask(value, kind)
