"""Each problem's ``type`` leads to a page saying what it means and what to do (RFC 9457), in
the reader's language, open to anyone; a kind the API hasn't is itself a 404 problem."""

from __future__ import annotations

import pytest
from django.utils import translation
from django.utils.html import escape

from benefits.api.problem_types import MEANINGS
from benefits.api.problems import SLUGS, TITLES, problem_body
from tests.conftest import url

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("status", sorted(SLUGS))
@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_problem_type_leads_to_its_page(client, status, language):
    address = problem_body(status, "")["type"]
    response = client.get(address, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    with translation.override(language):
        assert f'<h1 class="h3 mb-3">{escape(str(TITLES[status]))}</h1>' in page
        assert escape(str(MEANINGS[status])) in page


def test_the_index_lists_every_kind_with_its_page(client):
    page = client.get(url("api:problem_types")).content.decode()
    for status, slug in SLUGS.items():
        assert f'href="{url("api:problem_type", slug)}"' in page
        assert escape(str(TITLES[status])) in page


def test_a_kind_the_api_hasnt_is_a_404_problem_and_only_reading_is_taken(client):
    unknown = client.get("/api/v1/problems/no-such-kind")
    assert unknown.status_code == 404
    assert unknown["Content-Type"] == "application/problem+json"
    posted = client.post(url("api:problem_type", "not-found"))
    assert posted.status_code == 405
    assert posted["Content-Type"] == "application/problem+json"
    assert "GET" in posted["Allow"]
