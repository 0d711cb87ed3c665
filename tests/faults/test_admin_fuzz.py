"""A thousand generated admin URLs and forms, signed in and not: never a 5xx, whatever the ids
(20 digits, zero, words, NUL), the query or the fields. KYOJO_FUZZ_ADMIN sets how many."""

from __future__ import annotations

import os
import random
import re

from bot import admin_link
from tests import factories
from tests.web.signin import open_link

REQUESTS = int(os.environ.get("KYOJO_FUZZ_ADMIN", "500"))
SEED = int(os.environ.get("KYOJO_FUZZ_SEED", "20261130"))

PAGES = [
    "/admin/",
    "/admin/d/{d}/",
    "/admin/d/{d}/helpers",
    "/admin/d/{d}/circulars",
    "/admin/d/{d}/circulars/{n}",
    "/admin/d/{d}/chart",
    "/admin/d/{d}/circular/new",
    "/admin/d/{d}/safety/new",
    "/admin/d/{d}/circulars/{n}/preview",
    "/admin/d/{d}/requests/{n}",
    "/admin/d/{d}/represented",
    "/admin/d/{d}/teaching",
    "/admin/login/{s}",
]
FORMS = [
    "/admin/logout",
    "/admin/d/{d}/helpers/{n}/approve",
    "/admin/d/{d}/circular/new",
    "/admin/d/{d}/safety/new",
    "/admin/d/{d}/circulars/{n}/send",
    "/admin/d/{d}/circulars/{n}/cancel",
    "/admin/d/{d}/requests/{n}/assign",
    "/admin/d/{d}/represented",
    "/admin/d/{d}/teaching",
]
FIELDS = [
    "title",
    "body",
    "timing",
    "at",
    "confirm",
    "image_url",
    "title_en",
    "body_en",
    "title_vi",
    "body_zh-Hans",
    "helper_id",
    "name",
    "district_id",
    "proxy_id",
    "address",
    "phone",
    "key",
    "master_id",
    "participants",
    "minutes",
    "status",
    "q",
]


class Garbage:
    """Values of every wrong kind, from one seed."""

    def __init__(self, seed: int, district_id: int) -> None:
        self.random, self.district_id = random.Random(seed), district_id

    def id(self) -> str:
        r = self.random
        return str(r.choice([self.district_id, 1, 0, 2**31, 10**19, 9 * 10**19, r.randrange(1, 500)]))

    def text(self) -> str:
        r = self.random
        return r.choice(
            [
                "",
                "x" * r.choice([1, 201, 5000]),
                "a\x00b",
                "<script>alert(1)</script>",
                "2026-13-45T25:99",
                "2026-12-01T09:00",
                "-1",
                "99999999999999999999",
                "１２３",
                "later",
                "now",
                "yes",
                "javascript:alert(1)",
                "https://x/y.png",
                "緑ケ丘" * r.randrange(1, 80),
                "%00",
                "../../etc/passwd",
                "1e999",
            ]
        )

    def path(self, template: str) -> str:
        return template.format(
            d=self.district_id if self.random.random() < 0.7 else self.id(),
            n=self.id(),
            s=self.text().replace("/", "") or "x",
        )

    def form(self, csrf: str) -> dict[str, str]:
        fields = {name: self.text() for name in self.random.sample(FIELDS, self.random.randrange(0, 8))}
        if self.random.random() < 0.7:
            fields["csrf"] = csrf
        return fields


def test_no_generated_admin_url_or_form_gets_a_5xx(app, session):
    midori = factories.district(session, "緑ケ丘")
    admin = factories.admin(session, midori, display_name="田中")
    factories.help_request(session, factories.resident(session, district=midori), status="unmet")
    session.commit()
    garbage, answers = Garbage(SEED, midori.id), {}
    signed, stranger = app.test_client(), app.test_client()
    for n in range(REQUESTS):
        if n % 100 == 0:  # sign in again now and then (a fuzzed logout may have signed us out)
            token = admin_link.make_token(app.config["SECRET_KEY"], admin.id)
            open_link(signed, f"/admin/login/{token}")
            page = signed.get(f"/admin/d/{midori.id}/").get_data(as_text=True)
            csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        client = signed if garbage.random.random() < 0.8 else stranger
        if garbage.random.random() < 0.5:
            path = garbage.path(garbage.random.choice(PAGES))
            answer = client.get(path, query_string={k: garbage.text() for k in ("status", "q", "after")})
        else:
            path = garbage.path(garbage.random.choice(FORMS))
            answer = client.post(path, data=garbage.form(csrf))
        answers[answer.status_code] = answers.get(answer.status_code, 0) + 1
        assert answer.status_code < 500, (path, answer.status_code)
    assert {200, 302, 403, 404} <= answers.keys()
