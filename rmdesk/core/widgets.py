"""Form widgets that render many options fast.

Django renders each <option> of a select through the template engine; a head-office filter with
300 account managers and the unit tree spends most of a book request doing that. This select
writes the same HTML directly, escaping every label and value.
"""

from django import forms
from django.utils.html import format_html, format_html_join


class QuickSelect(forms.Select):
    """A single-choice select rendered without a template per option."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = "" if value is None else str(value)
        final_attrs = self.build_attrs(self.attrs, attrs)
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option_value, " selected" if str(option_value) == chosen else "", label)
                for option_value, label in ((self._value(v), lbl) for v, lbl in self.choices)
            ),
        )
        attributes = format_html_join("", ' {}="{}"', ((k, v) for k, v in final_attrs.items() if v is not None and v is not False))
        return format_html('<select name="{}"{}>{}</select>', name, attributes, options)

    @staticmethod
    def _value(value) -> str:
        # ModelChoiceIterator yields ModelChoiceIteratorValue objects; their str() is the key.
        return "" if value is None else str(value)
