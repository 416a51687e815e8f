"""Every site has an icon: pages name it in their <head>, and /favicon.ico (which browsers ask
for whatever the page says) leads to it instead of a 404."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tenants.models import Institution
from tests.conftest import client_for


def icon_href(page: str) -> str:
    found = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', page)
    assert found, "no <link rel=icon> in the page's head"
    return found.group(1)


def fetch(client: Client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("image/svg+xml")
    return b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]


@pytest.mark.parametrize("site", ["institution", "console"])
def test_favicon_ico_leads_to_the_icon_the_pages_link(site: str, inst_a: Institution) -> None:
    client = client_for(inst_a if site == "institution" else None)
    page = client.get("/accounts/login/").content.decode()
    href = icon_href(page[: page.index("</head>")])

    redirect = client.get("/favicon.ico")
    assert redirect.status_code == 302
    assert redirect["Location"] == href

    icon = fetch(client, href)
    assert icon.startswith(b"<svg") and b"</svg>" in icon
