"""The shared guard of every public form: challenge, honeypot, rate limits, the client's address."""

from __future__ import annotations

import base64
import json

import pytest
from django import forms
from django.template.loader import render_to_string
from django.urls import reverse

from core.public_forms import (
    CHALLENGE_EXPIRED,
    CHALLENGE_FAILED,
    CHALLENGE_MALFORMED,
    CHALLENGE_MISSING,
    CHALLENGE_REPLAYED,
    HONEYPOT_FILLED,
    PublicForm,
    create_challenge,
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
