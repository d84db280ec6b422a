"""The shared guard of every public form: challenge, honeypot, rate limits, the client's address."""

from __future__ import annotations

import base64
import json
import time

import pytest
from django import forms
from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse

from core.http import client_ip_address
from core.public_forms import (
    CHALLENGE_EXPIRED,
    CHALLENGE_FAILED,
    CHALLENGE_MALFORMED,
    CHALLENGE_MISSING,
    CHALLENGE_REPLAYED,
    HONEYPOT_FILLED,
    PublicForm,
    RateLimited,
    consume_rate_limit,
    create_challenge,
    rate_limit_request,
    verify_challenge,
)

from .public_form_helpers import fresh_payload, solve_challenge_payload

pytestmark = pytest.mark.django_db


def decoded(payload: str) -> dict:
    return json.loads(base64.b64decode(payload))


FAR = "b?expires=9999999999&"  # a salt that has not expired


def encoded(data: dict) -> str:
    return base64.b64encode(json.dumps(data).encode()).decode()


class TestChallengeEndpoint:
    def test_it_answers_a_fresh_signed_challenge_in_json_that_nobody_caches(self, client):
        first = client.get(reverse("public_form_challenge"))
        second = client.get(reverse("public_form_challenge"))
        assert first.status_code == 200
        assert first["Content-Type"] == "application/json"
        assert "no-store" in first["Cache-Control"]
        challenge = first.json()
        assert set(challenge) == {"algorithm", "challenge", "maxnumber", "salt", "signature"}
        assert challenge["algorithm"] == "SHA-256"
        assert challenge["maxnumber"] == 1000  # cms.settings.test
        assert "expires=" in challenge["salt"]
        assert first.json() != second.json()
        assert first.json()["salt"] != second.json()["salt"]

    def test_it_is_at_the_documented_path(self):
        assert reverse("public_form_challenge") == "/public-forms/challenge/"

    def test_it_answers_get_only(self, client):
        assert client.post(reverse("public_form_challenge")).status_code == 405


class TestVerifyChallenge:
    def test_a_solved_challenge_passes(self, client):
        assert verify_challenge(fresh_payload(client)) is None

    def test_the_same_payload_is_accepted_once(self, client):
        payload = fresh_payload(client)
        assert verify_challenge(payload) is None
        assert verify_challenge(payload) == CHALLENGE_REPLAYED

    def test_a_wrong_number_fails(self, client):
        payload = decoded(fresh_payload(client))
        payload["number"] = (payload["number"] + 1) % 1001
        assert verify_challenge(encoded(payload)) == CHALLENGE_FAILED

    def test_a_tampered_signature_fails(self, client):
        payload = decoded(fresh_payload(client))
        payload["signature"] = "0" * 64
        assert verify_challenge(encoded(payload)) == CHALLENGE_FAILED

    def test_a_challenge_made_with_another_secret_fails(self, client, settings):
        settings.SECRET_KEY = "another-secret"
        payload = solve_challenge_payload(create_challenge())
        settings.SECRET_KEY = "test-only-key"
        assert verify_challenge(payload) == CHALLENGE_FAILED

    def test_a_longer_validity_cannot_be_written_into_the_salt(self, client):
        payload = decoded(fresh_payload(client))
        payload["salt"] = payload["salt"].replace("expires=", "expires=9")
        assert verify_challenge(encoded(payload)) == CHALLENGE_FAILED

    def test_an_expired_challenge_fails(self, client, settings):
        settings.PUBLIC_FORM_CHALLENGE_SECONDS = -5
        assert verify_challenge(fresh_payload(client)) == CHALLENGE_EXPIRED

    @pytest.mark.parametrize(
        "payload",
        [
            "not base64!",
            base64.b64encode(b"\xff\xfe").decode(),
            base64.b64encode(b"not json").decode(),
            base64.b64encode(b"42").decode(),
            base64.b64encode(b"[]").decode(),
            encoded({"algorithm": "SHA-256"}),
            encoded({"algorithm": "SHA-1", "challenge": "a", "number": 1, "salt": FAR, "signature": "c"}),
            encoded({"algorithm": "SHA-256", "challenge": "a", "number": "1", "salt": FAR, "signature": "c"}),
            encoded({"algorithm": "SHA-256", "challenge": "a", "number": 1, "salt": 7, "signature": "c"}),
            encoded({"algorithm": "SHA-256", "challenge": "a", "number": 1, "salt": "no-expiry&", "signature": "c"}),
            "A" * 5000,
        ],
    )
    def test_a_malformed_payload_fails_without_an_error(self, payload):
        assert verify_challenge(payload) == CHALLENGE_MALFORMED

    def test_no_payload_asks_to_wait_for_the_check(self):
        assert verify_challenge("") == CHALLENGE_MISSING
        assert "JavaScript" in CHALLENGE_MISSING


class LetterForm(PublicForm):
    title = forms.CharField(label="标题", max_length=50)


def letter(rf, data: dict) -> LetterForm:
    return LetterForm(data, request=rf.post("/letters/", data))


class TestPublicForm:
    def test_a_form_with_a_solved_challenge_is_valid(self, client, rf):
        form = letter(rf, {"title": "道路破损", "website": "", "altcha": fresh_payload(client)})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["title"] == "道路破损"

    def test_a_filled_honeypot_is_refused_and_the_input_stays(self, client, rf):
        form = letter(rf, {"title": "道路破损", "website": "http://spam.example", "altcha": fresh_payload(client)})
        assert not form.is_valid()
        assert form.non_field_errors() == [HONEYPOT_FILLED]
        assert form["title"].value() == "道路破损"

    def test_a_filled_honeypot_does_not_use_up_the_challenge(self, client, rf):
        payload = fresh_payload(client)
        assert not letter(rf, {"title": "道路破损", "website": "x", "altcha": payload}).is_valid()
        assert verify_challenge(payload) is None

    def test_no_challenge_is_refused_with_its_reason(self, rf):
        form = letter(rf, {"title": "道路破损"})
        assert not form.is_valid()
        assert form.non_field_errors() == [CHALLENGE_MISSING]

    def test_a_replayed_challenge_is_refused(self, client, rf):
        payload = fresh_payload(client)
        assert letter(rf, {"title": "道路破损", "altcha": payload}).is_valid()
        form = letter(rf, {"title": "道路破损", "altcha": payload})
        assert not form.is_valid()
        assert form.non_field_errors() == [CHALLENGE_REPLAYED]

    def test_other_errors_are_reported_beside_the_guard_s_and_the_input_stays(self, rf):
        form = letter(rf, {"title": "长" * 51, "altcha": "junk"})
        assert not form.is_valid()
        assert form.non_field_errors() == [CHALLENGE_MALFORMED]
        assert "title" in form.errors
        assert form["title"].value() == "长" * 51

    def test_iterating_the_form_leaves_the_guard_fields_to_the_include(self, rf):
        assert [field.name for field in letter(rf, {})] == ["title"]

    def test_the_include_renders_the_honeypot_the_input_the_status_and_the_script(self, client, rf):
        payload = fresh_payload(client)
        html = render_to_string(
            "core/includes/public_form_guard.html", {"form": letter(rf, {"title": "x", "altcha": payload})}
        )
        assert 'data-challenge-url="/public-forms/challenge/"' in html
        assert 'class="public-form-trap" aria-hidden="true"' in html
        assert "请勿填写此项" in html
        assert 'name="website"' in html and 'tabindex="-1"' in html and 'autocomplete="off"' in html
        assert 'type="hidden" name="altcha"' in html
        assert payload not in html  # a used payload is never rendered back
        assert 'aria-live="polite"' in html
        assert "<noscript>" in html and "JavaScript" in html
        assert 'src="/static/core/js/public_form_guard.js"' in html
        assert "<script>" not in html  # no inline script (CSP script-src 'self')

    def test_the_challenge_may_be_switched_off_by_setting(self, rf, settings):
        settings.PUBLIC_FORM_CHALLENGE_REQUIRED = False
        assert letter(rf, {"title": "道路破损"}).is_valid()


def raw_cache_keys() -> list[str]:
    """Every key the cache backend holds, as stored (with django-redis: in Redis itself)."""
    if hasattr(cache, "client"):  # django-redis
        from django_redis import get_redis_connection

        return [key.decode() for key in get_redis_connection("default").keys("*")]
    return list(cache._cache)  # locmem


class TestRateLimits:
    def test_the_uses_up_to_the_limit_pass_and_the_next_is_refused_in_chinese(self):
        for _ in range(3):
            consume_rate_limit("letters", "203.0.113.7", limit=3, window_seconds=600)
        with pytest.raises(RateLimited) as refused:
            consume_rate_limit("letters", "203.0.113.7", limit=3, window_seconds=600)
        assert 0 < refused.value.retry_after <= 600
        minutes = -(-refused.value.retry_after // 60)
        assert refused.value.message == f"提交过于频繁，请 {minutes} 分钟后再试。"

    def test_each_identity_and_each_scope_counts_on_its_own(self):
        consume_rate_limit("letters", "203.0.113.7", limit=1, window_seconds=600)
        consume_rate_limit("letters", "203.0.113.8", limit=1, window_seconds=600)
        consume_rate_limit("consultations", "203.0.113.7", limit=1, window_seconds=600)
        with pytest.raises(RateLimited):
            consume_rate_limit("letters", "203.0.113.7", limit=1, window_seconds=600)

    def test_the_count_starts_again_in_the_next_window(self):
        consume_rate_limit("letters", "203.0.113.7", limit=1, window_seconds=1)
        time.sleep(1.1)
        consume_rate_limit("letters", "203.0.113.7", limit=1, window_seconds=1)
        with pytest.raises(RateLimited) as refused:
            consume_rate_limit("letters", "203.0.113.7", limit=1, window_seconds=1)
        assert refused.value.retry_after == 1

    def test_it_counts_in_a_local_memory_cache_too(self, settings):
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
        consume_rate_limit("letters", "203.0.113.7", limit=1, window_seconds=600)
        with pytest.raises(RateLimited):
            consume_rate_limit("letters", "203.0.113.7", limit=1, window_seconds=600)

    def test_no_identity_is_stored_in_clear(self):
        consume_rate_limit("letters", "203.0.113.7", limit=5, window_seconds=600)
        consume_rate_limit("status_lookup", "13800138000", limit=5, window_seconds=600)
        keys = [key for key in raw_cache_keys() if "public_form:rate:" in key]
        assert len(keys) == 2
        assert not any("203.0.113.7" in key or "13800138000" in key or "0138" in key for key in keys)

    def test_a_request_is_counted_by_its_client_address(self, rf):
        rate_limit_request(rf.post("/", REMOTE_ADDR="203.0.113.7"), "letters", limit=1, window_seconds=600)
        rate_limit_request(rf.post("/", REMOTE_ADDR="203.0.113.8"), "letters", limit=1, window_seconds=600)
        with pytest.raises(RateLimited):
            rate_limit_request(rf.post("/", REMOTE_ADDR="203.0.113.7"), "letters", limit=1, window_seconds=600)


class TestClientAddress:
    def test_without_trusted_proxies_it_is_remote_addr_whatever_the_client_forwards(self, rf, settings):
        settings.LOGIN_TRUSTED_PROXIES = 0
        request = rf.get("/", REMOTE_ADDR="198.51.100.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
        assert client_ip_address(request) == "198.51.100.1"

    def test_behind_one_proxy_it_is_what_the_proxy_saw(self, rf, settings):
        settings.LOGIN_TRUSTED_PROXIES = 1
        request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7")
        assert client_ip_address(request) == "203.0.113.7"  # 1.2.3.4 is what the client wrote

    def test_behind_two_proxies_it_is_counted_from_the_right(self, rf, settings):
        settings.LOGIN_TRUSTED_PROXIES = 2
        request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7, 10.0.0.1")
        assert client_ip_address(request) == "203.0.113.7"

    def test_junk_or_too_few_forwarded_addresses_fall_back_to_remote_addr(self, rf, settings):
        settings.LOGIN_TRUSTED_PROXIES = 2
        assert client_ip_address(rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.7")) == "10.0.0.2"
        settings.LOGIN_TRUSTED_PROXIES = 1
        request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="not an address")
        assert client_ip_address(request) == "10.0.0.1"

    def test_it_is_the_address_the_login_lockout_uses(self, settings):
        assert settings.AXES_CLIENT_IP_CALLABLE == "core.http.client_ip_address"


@pytest.mark.urls("tests.core.public_form_urls")
class TestSizeGuard:
    """A public form never answers 500 to huge input: Chinese refusals, the input kept where it fits."""

    def test_a_field_without_its_own_limit_is_bounded_and_refused_in_chinese(self, client):
        response = client.post(
            "/test-public-form/", {"title": "道路破损", "body": "长" * 20001, "altcha": fresh_payload(client)}
        )
        assert response.status_code == 400
        html = response.content.decode()
        assert "不超过 20000 字符" in html  # Django's zh-hans message
        assert 'value="道路破损"' in html  # the citizen's other input stays

    def test_a_text_at_the_limit_is_accepted(self, client):
        response = client.post(
            "/test-public-form/", {"title": "道路破损", "body": "长" * 20000, "altcha": fresh_payload(client)}
        )
        assert response.status_code == 200
        assert response.content.decode() == "已收到：道路破损"

    def test_a_body_over_the_upload_limit_gets_the_chinese_413_page(self, client, settings):
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100_000
        response = client.post("/test-public-form/", {"title": "x", "body": "长" * 200_000})
        assert response.status_code == 413
        assert "提交的内容过大" in response.content.decode()

    def test_too_many_fields_get_the_chinese_400_page(self, client):
        response = client.post("/test-public-form/", {f"f{n}": "1" for n in range(1001)})
        assert response.status_code == 400
        assert "请求无效" in response.content.decode()

    def test_a_nul_byte_is_refused_in_chinese(self, client):
        response = client.post("/test-public-form/", {"title": "a\x00b", "body": "x", "altcha": fresh_payload(client)})
        assert response.status_code == 400
        assert "内容含有无法保存的控制字符，请删除后重试。" in response.content.decode()

    def test_past_the_rate_limit_the_form_says_so_in_chinese_and_keeps_the_input(self, client):
        for _ in range(20):
            client.post("/test-public-form/", {"title": "道路破损", "body": "x"})
        response = client.post("/test-public-form/", {"title": "道路破损", "body": "x"})
        assert response.status_code == 429
        html = response.content.decode()
        assert "提交过于频繁" in html and 'value="道路破损"' in html
