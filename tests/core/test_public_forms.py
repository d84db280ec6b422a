"""The shared guard of every public form: challenge, honeypot, rate limits, the client's address."""

from __future__ import annotations

import base64
import json

import pytest
from django.urls import reverse

from core.public_forms import (
    CHALLENGE_EXPIRED,
    CHALLENGE_FAILED,
    CHALLENGE_MALFORMED,
    CHALLENGE_MISSING,
    CHALLENGE_REPLAYED,
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
