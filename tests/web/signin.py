"""Opening a sign-in link as a person does: its page, then the page's one button."""

from __future__ import annotations

import re


def open_link(client, url: str):
    """GET the link's page and press its button (a POST with the page's nonce); the last answer."""
    page = client.get(url)
    if page.status_code != 200:
        return page
    nonce = re.search(r'name="nonce" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    return client.post(url, data={"nonce": nonce})
