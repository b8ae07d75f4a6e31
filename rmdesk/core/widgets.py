"""Form widgets that render many options fast.

Django renders each <option> of a select through the template engine; a head-office filter with
300 account managers and the unit tree spends most of a book request doing that. This select
writes the same HTML directly, escaping every label and value.
"""

from html import escape

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe


class QuickSelect(forms.Select):
    """A single-choice select rendered without a template per option.

    Options are escaped with the standard library's `html.escape`, which is what Django's
    `escape` calls, without its lazy-string wrapper around each of the hundreds of calls.
    """

    def render(self, name, value, attrs=None, renderer=None):
        chosen = "" if value is None else str(value)
        final_attrs = self.build_attrs(self.attrs, attrs)
        # Every value and label is escaped in the f-string below.
        options = mark_safe(
            "".join(
                f'<option value="{escape(option_value)}"{" selected" if option_value == chosen else ""}>{escape(str(label))}</option>'
                for option_value, label in ((self._value(v), lbl) for v, lbl in self.choices)
            )
        )
        attributes = format_html_join("", ' {}="{}"', ((k, v) for k, v in final_attrs.items() if v is not None and v is not False))
        return format_html('<select name="{}"{}>{}</select>', name, attributes, options)

    @staticmethod
    def _value(value) -> str:
        # ModelChoiceIterator yields ModelChoiceIteratorValue objects; their str() is the key.
        return "" if value is None else str(value)
