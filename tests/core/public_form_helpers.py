"""Solving the public forms' challenge in tests, as the browser widget does: no switch turns the guard off."""

from __future__ import annotations

import base64
import hashlib
import json

from django.test import Client
from django.urls import reverse


def solve_challenge_payload(challenge_json: dict | str) -> str:
    """The hidden input's value for a challenge (the endpoint's JSON, as a dict or text)."""
    challenge = json.loads(challenge_json) if isinstance(challenge_json, str) else challenge_json
    for number in range(challenge["maxnumber"] + 1):
        if hashlib.sha256(f"{challenge['salt']}{number}".encode()).hexdigest() == challenge["challenge"]:
            solution = {name: challenge[name] for name in ("algorithm", "challenge", "salt", "signature")}
            return base64.b64encode(json.dumps(solution | {"number": number}).encode()).decode()
    raise AssertionError("the challenge has no solution up to maxnumber")


def fresh_payload(client: Client, **headers: str) -> str:
    """GET a new challenge from the endpoint (``headers``: e.g. ``HTTP_HOST``) and solve it."""
    response = client.get(reverse("public_form_challenge"), **headers)
    assert response.status_code == 200, response
    return solve_challenge_payload(response.json())
