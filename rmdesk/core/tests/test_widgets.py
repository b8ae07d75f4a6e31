"""The quick select renders what Django's select renders: same options, selection and escaping."""

from django import forms

from rmdesk.core.widgets import QuickSelect


def test_quick_select_marks_the_chosen_option_and_escapes_labels():
    html = QuickSelect(choices=[("", "All"), ("a", "<b>A & B</b>"), ("2", "Two")]).render("f", "a", attrs={"id": "id_f"})
    assert html.startswith('<select name="f" id="id_f">')
    assert '<option value="a" selected>&lt;b&gt;A &amp; B&lt;/b&gt;</option>' in html
    assert '<option value="" >' not in html and '<option value="">All</option>' in html


def test_quick_select_offers_the_same_options_as_djangos_select():
    choices = [("", "—"), ("1", "一"), ("2", "二")]
    ours = QuickSelect(choices=choices).render("f", "2")
    theirs = forms.Select(choices=choices).render("f", "2")
    for value, _ in choices:
        assert f'value="{value}"' in ours and f'value="{value}"' in theirs
    assert ours.count("selected") == 1
