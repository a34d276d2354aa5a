"""A link to a page of the app that is gone gets the app's own 404 page, DEBUG or not."""

from http import HTTPStatus

import pytest
from django.urls import reverse

from tests.public_pages import completed_assessment

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("debug", [True, False], ids=["debug", "production"])
def test_a_deleted_results_link_gets_the_apps_404_page(client, kesra_role, settings, debug):
    settings.DEBUG = debug
    assessment = completed_assessment(kesra_role, "cocok")
    url = reverse("assessments:result", kwargs={"token": assessment.token})
    assessment.delete()

    response = client.get(url)

    assert response.status_code == HTTPStatus.NOT_FOUND
    html = response.content.decode()
    assert "Halaman tidak ditemukan" in html
    assert "DEBUG = True" not in html and "URLconf" not in html
