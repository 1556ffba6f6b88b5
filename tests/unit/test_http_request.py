"""Reading a proxy event's body: JSON only, declared as JSON, valid UTF-8, no NaN or Infinity.

The whole matrix of refused bodies lives here; the HTTP tier sends one of each kind.
"""

import base64

import pytest

from leads_domain.errors import InvalidRequest, UnsupportedMediaType
from leads_domain.http.request import Request
from support.events import api_event

INVALID_JSON = {
    "truncated object": '{"company_name": "Acme"',
    "missing value": '{"company_name": }',
    "trailing comma": '{"company_name": "Acme",}',
    "single quotes": "{'company_name': 'Acme'}",
    "bare word": "company_name=Acme",
    "two documents": "{} {}",
    "NaN": '{"annual_revenue": NaN}',
    "Infinity": '{"annual_revenue": Infinity}',
    "-Infinity": '{"annual_revenue": -Infinity}',
    "whitespace only": "   ",
}
# Bodies that are not UTF-8 reach a function base64-encoded, as API Gateway sends binary.
NOT_UTF8 = {
    "binary bytes": b"\xff\xfe\x00\x01",
    "latin-1 inside a string": b'{"company_name": "Caf\xe9"}',
}


def request_with(raw: str, content_type: str | None = "application/json", **event) -> Request:
    headers = {"Content-Type": content_type} if content_type else {}
    return Request(
        {**api_event("POST", "/api/crm/lead", raw_body=raw, headers=headers), **event}, None
    )


@pytest.mark.parametrize("raw", INVALID_JSON.values(), ids=INVALID_JSON.keys())
def test_invalid_json_is_400_body_invalid_json(raw):
    with pytest.raises(InvalidRequest) as caught:
        request_with(raw).json_body()
    assert (caught.value.code, caught.value.param) == ("body_invalid_json", None)


@pytest.mark.parametrize("raw", NOT_UTF8.values(), ids=NOT_UTF8.keys())
def test_a_body_that_is_not_utf8_is_400_not_500(raw):
    encoded = base64.b64encode(raw).decode()
    with pytest.raises(InvalidRequest) as caught:
        request_with(encoded, isBase64Encoded=True).json_body()
    assert caught.value.code == "body_invalid_json"


@pytest.mark.parametrize(
    "content_type", [None, "text/plain", "application/x-www-form-urlencoded", "text/json"]
)
def test_a_body_not_declared_json_is_415(content_type):
    with pytest.raises(UnsupportedMediaType) as caught:
        request_with('{"company_name": "Acme"}', content_type).json_body()
    assert (caught.value.status, caught.value.param) == (415, "Content-Type")


@pytest.mark.parametrize(
    "content_type",
    ["application/json", "application/json; charset=utf-8", "Application/JSON"],
)
def test_any_spelling_of_the_json_media_type_is_json(content_type):
    assert request_with('{"city": "Oslo"}', content_type).json_body() == {"city": "Oslo"}


def test_no_body_is_an_empty_object():
    assert request_with("", None).json_body() == {}
