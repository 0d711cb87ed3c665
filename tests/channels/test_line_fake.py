"""The fake LINE API itself answers as LINE documents (so other tests can trust it)."""

import json
import urllib.error
import urllib.request
import uuid

import pytest
from linebot.v3.messaging import (
    ApiClient,
    ApiException,
    Configuration,
    MessagingApi,
    MessagingApiBlob,
    PushMessageRequest,
    TextMessage,
)


@pytest.fixture
def api(line_api):
    with ApiClient(Configuration(access_token="t", host=line_api.url)) as client:
        yield MessagingApi(client)


def test_push_is_recorded_and_a_repeated_retry_key_gets_409(api, line_api):
    key = str(uuid.uuid4())
    api.push_message(PushMessageRequest(to="U1", messages=[TextMessage(text="hi")]), x_line_retry_key=key)
    with pytest.raises(ApiException) as refused:
        api.push_message(PushMessageRequest(to="U1", messages=[TextMessage(text="hi")]), x_line_retry_key=key)
    assert refused.value.status == 409
    assert [m["text"] for m in line_api.sent_messages()] == ["hi"]
    assert line_api.calls("/push")[0].headers["x-line-retry-key"] == key
    assert line_api.violations == []


def test_a_body_against_the_spec_is_refused_and_recorded(line_api):
    body = {"to": "U1", "messages": [{"type": "text", "text": "x"}] * 6 + [{"type": "txt"}]}
    request = urllib.request.Request(
        line_api.url + "/v2/bot/message/push",
        json.dumps(body).encode(),
        {"Authorization": "Bearer t", "Content-Type": "application/json"},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request)
    assert refused.value.code == 400
    assert "fails maxItems 5" in line_api.violations[0]
    assert "unknown type 'txt'" in line_api.violations[1]


def test_planned_failures_carry_retry_after_then_pass(api, line_api):
    line_api.fail_next(429, count=1, path="/push", retry_after=3)
    with pytest.raises(ApiException) as refused:
        api.push_message(PushMessageRequest(to="U1", messages=[TextMessage(text="hi")]))
    assert refused.value.status == 429 and refused.value.headers["Retry-After"] == "3"
    assert refused.value.headers["x-line-request-id"]
    api.push_message(PushMessageRequest(to="U1", messages=[TextMessage(text="hi")]))
    assert len(line_api.delivered("/push")) == 1


def test_profile_quota_and_the_data_host(line_api, api):
    line_api.profiles["U9"] = {"displayName": "Alice", "language": "en"}
    assert api.get_profile("U9").language == "en"
    line_api.consumption = 7
    assert api.get_message_quota().value == 1000
    assert api.get_message_quota_consumption().total_usage == 7
    with ApiClient(Configuration(access_token="t", host=line_api.url)) as client:
        with pytest.raises(ApiException) as refused:  # image uploads belong to the data host
            MessagingApiBlob(client).set_rich_menu_image(
                "richmenu-x", b"\x89PNG", _headers={"Content-Type": "image/png"}
            )
    assert refused.value.status == 404


def test_nothing_reaches_the_real_line_api():
    with ApiClient(Configuration(access_token="t")) as client:
        with pytest.raises(Exception):  # noqa: B017  (whatever the SDK raises, nothing got through)
            MessagingApi(client).get_profile("U1")
