"""No lost update: the second of two people editing the same customer is refused and shown why."""

from django.test import Client
from django.urls import reverse

from rmdesk.customers.models import Customer


def form_data(response) -> dict:
    """What the browser would post back: every input of the edit form as rendered."""
    form = response.context["form"]
    data = {}
    for name, field in form.fields.items():
        bound = form[name]
        value = bound.value()
        data[name] = "" if value is None else field.prepare_value(value)
        initial = field.prepare_value(bound.initial)
        data[form.add_initial_prefix(name)] = "" if initial is None else initial
    return data


def test_the_second_save_is_refused_with_what_changed_and_nothing_is_overwritten(bank):
    first, second = Client(), Client()
    first.force_login(bank.am_a)
    second.force_login(bank.leader_a)
    url = reverse("customer_edit", args=[bank.farmer.pk])
    first_form, second_form = form_data(first.get(url)), form_data(second.get(url))

    first_form["phone"] = "13811112222"
    assert first.post(url, first_form).status_code == 302

    second_form["address"] = "青石镇下林村8号"
    refused = second.post(url, second_form)
    assert refused.status_code == 409
    html = refused.content.decode()
    assert 'data-testid="conflict"' in html
    assert "13857112345" in html and "13811112222" in html
    farmer = Customer.objects.get(pk=bank.farmer.pk)
    assert farmer.phone == "13811112222"
    assert farmer.address == "青石镇上林村12号"

    again = second.post(url, form_data(refused))
    assert again.status_code == 302
    farmer.refresh_from_db()
    assert (farmer.phone, farmer.address) == ("13811112222", "青石镇下林村8号")


def test_an_edit_without_a_concurrent_change_is_saved(client, bank):
    client.force_login(bank.am_a)
    url = reverse("customer_edit", args=[bank.farmer.pk])
    data = form_data(client.get(url))
    data["occupation"] = "种粮大户"
    assert client.post(url, data).status_code == 302
    assert Customer.objects.get(pk=bank.farmer.pk).occupation == "种粮大户"


def test_reading_roles_cannot_edit(client, bank):
    client.force_login(bank.risk)
    assert client.get(reverse("customer_edit", args=[bank.farmer.pk])).status_code == 403


def test_opening_the_edit_form_is_a_recorded_view_of_personal_data(client, bank):
    from auditlog.models import LogEntry

    client.force_login(bank.am_a)
    client.get(reverse("customer_edit", args=[bank.farmer.pk]))
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS, additional_data__customer_id=bank.farmer.pk).exists()
