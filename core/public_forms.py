"""The protection every public form shares (letters, consultations, applications): docs/public-forms.md.

A citizen submits anonymously, so nothing identifies a robot by its account. Three
layers, none asking a third party and none showing an image:

- a proof-of-work challenge (the ALTCHA protocol, ``altcha`` on the server, our own
  ``core/js/public_form_guard.js`` in the browser): each submission costs the sender a
  fraction of a second of hashing, and a solved challenge is accepted once;
- a honeypot field people never see (``website``);
- rate limits per address (or per keyed digest of a phone) and purpose, in the cache.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import time
import urllib.parse
from dataclasses import dataclass
from datetime import timedelta

from altcha import ChallengeOptionsV1, create_challenge_v1, verify_solution_v1
from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxLengthValidator, ProhibitNullCharactersValidator
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.http import client_ip_address

ALGORITHM = "SHA-256"  # the one crypto.subtle digest the widget computes
# A solved payload is about 250 characters; anything much longer is not one of ours.
MAX_PAYLOAD_LENGTH = 1000

CHALLENGE_MISSING = "请等待页面完成安全验证后再提交；如一直未完成，请启用浏览器的 JavaScript 后刷新页面。"
CHALLENGE_MALFORMED = "安全验证数据无效，请刷新页面后重试。"
CHALLENGE_FAILED = "安全验证未通过，请刷新页面后重试。"
CHALLENGE_EXPIRED = "安全验证已过期，请等待页面重新完成安全验证后再次提交。"
CHALLENGE_REPLAYED = "该安全验证已使用过，请等待页面重新完成安全验证后再次提交。"


def _hmac_key() -> str:
    # Derived from SECRET_KEY for this purpose only: a challenge signature is never
    # valid as any other signature Django or we make with the same secret.
    return salted_hmac("core.public_forms.challenge", "altcha-hmac-key").hexdigest()


def create_challenge() -> dict:
    """A fresh signed challenge, in the ALTCHA widget's JSON shape (``maxnumber`` lowercase)."""
    expires = timezone.now() + timedelta(seconds=settings.PUBLIC_FORM_CHALLENGE_SECONDS)
    challenge = create_challenge_v1(
        ChallengeOptionsV1(
            algorithm=ALGORITHM,
            max_number=settings.PUBLIC_FORM_CHALLENGE_MAX_NUMBER,
            hmac_key=_hmac_key(),
            expires=expires,
        )
    )
    return {
        "algorithm": challenge.algorithm,
        "challenge": challenge.challenge,
        "maxnumber": challenge.max_number,
        "salt": challenge.salt,
        "signature": challenge.signature,
    }


@never_cache
@require_GET
def challenge_view(request: HttpRequest) -> JsonResponse:
    """``public_form_challenge``: a new challenge for the widget, never cached by anyone."""
    return JsonResponse(create_challenge())


def _decode(payload: str) -> dict | None:
    """The payload's fields if it has the shape of a solved challenge, else None."""
    try:
        data = json.loads(base64.b64decode(payload, validate=True).decode())
    except (binascii.Error, ValueError):  # bad base64, bad UTF-8, bad JSON
        return None
    if not isinstance(data, dict) or data.get("algorithm") != ALGORITHM or type(data.get("number")) is not int:
        return None
    if not all(isinstance(data.get(name), str) for name in ("challenge", "salt", "signature")):
        return None
    return data


def _expires(salt: str) -> int | None:
    """The expiry the salt carries (signed with it: the challenge is the hash of salt and number)."""
    _, _, query = salt.partition("?")
    values = urllib.parse.parse_qs(query).get("expires", [])
    if len(values) != 1 or not values[0].isdigit():
        return None
    return int(values[0])


def verify_challenge(payload: str) -> str | None:
    """None when ``payload`` solves a challenge of ours that has not expired and was not used before;
    else the Chinese reason. Accepting it uses it up: the signature is remembered until the expiry."""
    if not payload:
        return CHALLENGE_MISSING
    if len(payload) > MAX_PAYLOAD_LENGTH:
        return CHALLENGE_MALFORMED
    data = _decode(payload)
    if data is None:
        return CHALLENGE_MALFORMED
    expires = _expires(data["salt"])
    if expires is None:
        return CHALLENGE_MALFORMED
    if expires < time.time():
        return CHALLENGE_EXPIRED
    solved, error = verify_solution_v1(data, _hmac_key(), check_expires=True)
    if error:
        return CHALLENGE_EXPIRED if "expired" in error else CHALLENGE_MALFORMED
    if not solved:
        return CHALLENGE_FAILED
    # cache.add is atomic (Redis SET NX): of two submissions racing with one payload, one wins.
    remaining = max(1, math.ceil(expires - time.time()) + 1)
    if not cache.add(f"public_form:challenge_used:{data['signature']}", 1, timeout=remaining):
        return CHALLENGE_REPLAYED
    return None


HONEYPOT_FILLED = "提交未通过校验，请刷新页面后重试。"
HONEYPOT_FIELD = "website"
NUL_REFUSED = ProhibitNullCharactersValidator(message="内容含有无法保存的控制字符，请删除后重试。")
CHALLENGE_FIELD = "altcha"


class HoneypotInput(forms.TextInput):
    """A text field named like one a robot fills; people never see or reach it (CSS class, aria-hidden, no tab stop)."""

    def __init__(self) -> None:
        super().__init__(
            attrs={"class": "public-form-trap-input", "aria-hidden": "true", "tabindex": "-1", "autocomplete": "off"}
        )


class ChallengeInput(forms.HiddenInput):
    """The hidden input the widget fills. It never renders the submitted value back: a payload is
    used up by the submission, and the redisplayed form's widget solves a fresh challenge."""

    def __init__(self) -> None:
        super().__init__(attrs={"data-public-form-guard-input": True})

    def format_value(self, value):
        return None


class PublicForm(forms.Form):
    """The base of every form a citizen submits anonymously: adds the honeypot and the challenge.

    Render it with ``{% for field in form %}`` (which leaves the two guard fields out) and
    ``{% include "core/includes/public_form_guard.html" with form=form %}`` inside the
    ``<form>``. A refusal is a non-field error; the citizen's other input stays in the form.
    A subclass overriding ``clean()`` calls ``super().clean()``."""

    guard_fields = (HONEYPOT_FIELD, CHALLENGE_FIELD)

    def __init__(self, data=None, files=None, *, request: HttpRequest, **kwargs) -> None:
        super().__init__(data, files, **kwargs)
        self.request = request
        self.fields[HONEYPOT_FIELD] = forms.CharField(required=False, label="请勿填写此项", widget=HoneypotInput())
        self.fields[CHALLENGE_FIELD] = forms.CharField(required=False, widget=ChallengeInput())
        self._bound_text_fields()

    def _bound_text_fields(self) -> None:
        """Every text field without a ``max_length`` gets ``PUBLIC_FORM_TEXT_MAX_LENGTH``: a body
        under ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (10 MB, else Django's 413, our Chinese page) may
        still hold megabytes in one field, which is refused in Chinese (Django's zh-hans
        message) with the rest of the input kept, instead of reaching the database."""
        limit = settings.PUBLIC_FORM_TEXT_MAX_LENGTH
        for field in self.fields.values():
            if not isinstance(field, forms.CharField):
                continue
            # Django's zh-hans text for a NUL byte reads "不允许是用空字符串" (sic).
            field.validators = [
                NUL_REFUSED if isinstance(validator, ProhibitNullCharactersValidator) else validator
                for validator in field.validators
            ]
            if field.max_length is None:
                field.max_length = limit
                field.validators.append(MaxLengthValidator(limit))
                field.widget.attrs.update(field.widget_attrs(field.widget))

    def __iter__(self):
        return (self[name] for name in self.fields if name not in self.guard_fields)

    def guard_refused(self) -> bool:
        """Whether the honeypot or the challenge refused the submission (validated forms only):
        then nothing the form asks for may be looked up or stored."""
        return self.has_error(NON_FIELD_ERRORS, "honeypot") or self.has_error(NON_FIELD_ERRORS, "challenge")

    def clean(self) -> dict:
        cleaned_data = super().clean()
        if cleaned_data.get(HONEYPOT_FIELD):
            raise ValidationError(HONEYPOT_FILLED, code="honeypot")
        if settings.PUBLIC_FORM_CHALLENGE_REQUIRED:
            refusal = verify_challenge(cleaned_data.get(CHALLENGE_FIELD, ""))
            if refusal:
                raise ValidationError(refusal, code="challenge")
        return cleaned_data


class RateLimited(Exception):
    """Too many uses of one identity in a scope's window: ``message`` for the citizen, ``retry_after`` seconds."""

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        minutes = max(1, math.ceil(retry_after / 60))
        self.message = f"提交过于频繁，请 {minutes} 分钟后再试。"
        super().__init__(self.message)


def _identity_digest(scope: str, identity: str) -> str:
    # Keyed (SECRET_KEY, this purpose) so a cache dump names no address or phone, and no
    # one can tell from a key whether a given address or phone was counted.
    return salted_hmac("core.public_forms.rate_limit", f"{scope}\x00{identity}").hexdigest()[:32]


@dataclass(frozen=True)
class RateLimit:
    """At most ``limit`` uses of ``identity`` (an address, a keyed digest of a phone) in ``scope``
    per fixed window of ``window_seconds``."""

    scope: str
    identity: str
    limit: int
    window_seconds: int


def consume_rate_limits(*limits: RateLimit) -> None:
    """Count one use against each of ``limits``; raise RateLimited (the longest wait) once any is
    past its limit. With Redis, all the counters in one round trip (a form checks an address
    and a phone); every use is counted, refused or not."""
    now = time.time()
    windows = [int(now // rate.window_seconds) for rate in limits]
    keys = [
        f"public_form:rate:{rate.scope}:{window}:{_identity_digest(rate.scope, rate.identity)}"
        for rate, window in zip(limits, windows, strict=True)
    ]
    counts = _count_uses(keys, [rate.window_seconds + 1 for rate in limits])
    waits = [
        max(1, math.ceil((window + 1) * rate.window_seconds - now))
        for rate, window, count in zip(limits, windows, counts, strict=True)
        if count > rate.limit
    ]
    if waits:
        raise RateLimited(retry_after=max(waits))


def _count_uses(keys: list[str], timeouts: list[int]) -> list[int]:
    """Each key's count after one more use; a new key lives for its timeout."""
    if hasattr(cache, "client"):  # django-redis: INCR, then the expiry if the key has none, atomically
        from django_redis import get_redis_connection

        pipeline = get_redis_connection("default").pipeline(transaction=True)
        for key, timeout in zip(keys, timeouts, strict=True):
            raw = cache.make_key(key)
            pipeline.incr(raw)
            pipeline.expire(raw, timeout, nx=True)
        return [int(count) for count in pipeline.execute()[::2]]
    counts = []
    for key, timeout in zip(keys, timeouts, strict=True):
        # add then incr: both atomic in locmem (under its lock), so concurrent uses each get their own count.
        cache.add(key, 0, timeout=timeout)
        try:
            counts.append(cache.incr(key))
        except ValueError:  # the key expired between add and incr: a new window
            cache.add(key, 1, timeout=timeout)
            counts.append(1)
    return counts


def consume_rate_limit(scope: str, identity: str, *, limit: int, window_seconds: int) -> None:
    """``consume_rate_limits`` of one limit."""
    consume_rate_limits(RateLimit(scope, identity, limit, window_seconds))


def address_limit(request: HttpRequest, scope: str, *, limit: int, window_seconds: int) -> RateLimit:
    """The limit on the client's address (``core.http.client_ip_address``)."""
    return RateLimit(scope, client_ip_address(request) or "unknown", limit, window_seconds)


def rate_limit_request(request: HttpRequest, scope: str, *, limit: int, window_seconds: int) -> None:
    """``consume_rate_limit`` by the client's address."""
    consume_rate_limits(address_limit(request, scope, limit=limit, window_seconds=window_seconds))
