"""Chinese and English, chosen per person, with amounts and dates in the person's locale."""

from django.urls import reverse

from rmdesk.org.models import User


def test_the_desk_speaks_chinese_by_default(client, bank):
    client.force_login(bank.am_a)
    html = client.get(reverse("book")).content.decode()
    assert "我的管户" in html


def test_a_person_switches_to_english_and_it_follows_them(client, bank):
    client.force_login(bank.am_a)
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("book")})
    assert response.status_code == 302
    assert User.objects.get(pk=bank.am_a.pk).language == "en"
    client.cookies.clear()
    client.force_login(bank.am_a)
    html = client.get(reverse("book")).content.decode()
    assert "My book" in html
    assert "97,000.50" in html


def test_an_unknown_language_is_refused_and_nothing_changes(client, bank):
    client.force_login(bank.am_a)
    response = client.post(reverse("set_language"), {"language": "xx"})
    assert response.status_code == 400
    assert User.objects.get(pk=bank.am_a.pk).language == ""


def test_language_switch_never_redirects_off_site(client, bank):
    client.force_login(bank.am_a)
    response = client.post(reverse("set_language"), {"language": "en", "next": "https://elsewhere.example/"})
    assert response.url == "/"


def test_dates_follow_the_language(client, bank):
    client.force_login(bank.am_a)
    chinese = client.get(reverse("customer_detail", args=[bank.farmer.pk])).content.decode()
    assert "2020年3月1日" in chinese
    client.post(reverse("set_language"), {"language": "en"})
    english = client.get(reverse("customer_detail", args=[bank.farmer.pk])).content.decode()
    assert "March 1, 2020" in english
