"""The security baseline: password policy, lockout, forced change, idle sessions, headers, uploads, audit."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from io import BytesIO

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.backends.cached_db import SessionStore
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.documents.forms import get_document_form
from wagtail.images import get_image_model
from wagtail.images.forms import get_image_form
from wagtail.models import Collection, ModelLogEntry

from cms.accounts.audit import purge_audit_log
from cms.accounts.errors import AccountError
from cms.accounts.lifecycle import reset_password, unlock_account
from cms.accounts.middleware import RENEWED_AT
from cms.accounts.models import AccountProfile
from core.security import sanitize_html
from tests.accounts.conftest import PASSWORD


def refused(password: str, user=None) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as error:
        return error.messages
    return []


class TestPasswordPolicy:
    @pytest.mark.parametrize(
        "password",
        ["Short-1a", "alllowercaseletters", "lowercase1234567", "NOLOWERCASE2026", "1234567890"],
    )
    def test_weak_passwords_are_refused_in_chinese(self, password):
        with translation.override("zh-hans"):
            messages = refused(password)
        assert messages and all("密码" in m for m in messages)

    @pytest.mark.parametrize("password", ["Xuanzhou2026", "xuanzhou-2026!", "XUANZHOU_2026", "Gov.Cluster#Ok"])
    def test_three_of_four_classes_and_ten_characters_pass(self, password):
        assert refused(password) == []

    def test_the_last_five_passwords_cannot_be_reused(self, department, make_account):
        user = make_account(department, password="Original-2026")
        for n in range(1, 5):
            user.set_password(f"Rotation-{n}-2026")
            user.save()
        assert "不能使用最近 5 次用过的密码。" in refused("Original-2026", user)
        user.set_password("Rotation-5-2026")
        user.save()
        assert refused("Original-2026", user) == []  # now six changes ago

    def test_an_expired_password_must_be_changed_before_anything_else(self, department, make_account, client):
        user = make_account(department)
        AccountProfile.objects.filter(user=user).update(
            password_changed_at=timezone.now() - timedelta(days=settings.PASSWORD_EXPIRY_DAYS + 1)
        )
        client.force_login(user)
        response = client.get("/admin/pages/")
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:change_password"))
        page = client.get(reverse("accounts:change_password")).content.decode()
        assert "密码已重置或已过期" in page

    def test_the_change_form_applies_the_policy(self, department, make_account, client):
        user = make_account(department)
        reset = reset_password(user)
        client.force_login(user)
        response = client.post(
            reverse("accounts:change_password"),
            {"old_password": reset, "new_password1": "simple", "new_password2": "simple"},
        )
        assert response.status_code == 200 and "至少包含" in response.content.decode()
        assert AccountProfile.objects.get(user=user).must_change_password


def password_entries(user) -> list[tuple[str, str]]:
    """(action, actor) of the audit entries about ``user``'s password, oldest first."""
    entries = ModelLogEntry.objects.filter(
        object_id=str(user.pk), action__in=("accounts.change_password", "accounts.reset_password")
    ).order_by("timestamp", "pk")
    return [(e.action, e.user.username if e.user else "") for e in entries]


class TestNoSelfServiceReset:
    """Passwords are reset only by the info center (accounts.reset_password), never by a mailed link."""

    def test_the_reset_pages_answer_404_and_mail_nothing(self, department, make_account, client, mailoutbox):
        user = make_account(department)
        user.email = "unit@example.gov.cn"
        user.save()
        assert client.get("/admin/password_reset/").status_code == 404
        assert client.post("/admin/password_reset/", {"email": "unit@example.gov.cn"}).status_code == 404
        assert mailoutbox == []

    def test_the_login_page_sends_forgotten_passwords_to_the_info_center(self, db, client):
        page = client.get(reverse("wagtailadmin_login")).content.decode()
        assert "password_reset" not in page
        assert "忘记密码请联系区信息中心安全管理员重置" in page

    def test_the_login_page_speaks_chinese(self, db, client):
        page = client.get(reverse("wagtailadmin_login")).content.decode()
        assert "登录站群管理后台" in page and "Sign in" not in page
        assert ">密码<" in page.replace("\n", "").replace(" ", "") and ">Password<" not in page.replace(" ", "")


class TestPasswordChangesAreAudited:
    NEW = "Changed-pass-2026#"

    def test_changing_ones_own_password_in_the_admin(self, department, make_account, client):
        user = make_account(department)
        client.force_login(user)
        form = {"old_password": PASSWORD, "new_password1": self.NEW, "new_password2": self.NEW}
        assert client.post(reverse("accounts:change_password"), form).status_code == 302
        assert password_entries(user)[-1] == ("accounts.change_password", user.username)

    def test_changing_it_in_wagtails_account_settings(self, department, make_account, client):
        user = make_account(department)
        client.force_login(user)
        form = {f"password-{k}": v for k, v in (("old_password", PASSWORD), ("new_password1", self.NEW),
                                                 ("new_password2", self.NEW))}  # fmt: skip
        form.update({"name_email-email": "unit@example.gov.cn", "name_email-first_name": "李",
                     "name_email-last_name": "四", "locale-preferred_language": "zh-hans",
                     "locale-current_time_zone": "", "theme-theme": "system",
                     "theme-density": "default", "theme-contrast": "system"})  # fmt: skip
        assert client.post(reverse("wagtailadmin_account"), form).status_code == 302
        user.refresh_from_db()
        assert user.check_password(self.NEW)
        assert password_entries(user)[-1] == ("accounts.change_password", user.username)

    def test_a_reset_by_the_info_center(self, department, make_account, make_info_center_user, client):
        user = make_account(department)
        client.force_login(make_info_center_user("安全管理员", username="secadmin"))
        client.post(reverse("accounts:reset", args=[user.pk]))
        assert password_entries(user)[-2:] == [
            ("accounts.change_password", "secadmin"),
            ("accounts.reset_password", "secadmin"),
        ]


ATTACKER = "10.0.0.9"


def fail_login(client, username: str, times: int, address: str = ATTACKER) -> None:
    for _ in range(times):
        client.post("/admin/login/", {"username": username, "password": "Wrong-pass-0000"}, REMOTE_ADDR=address)


def log_in(client, username: str, address: str, **headers) -> int:
    response = client.post(
        "/admin/login/", {"username": username, "password": PASSWORD}, REMOTE_ADDR=address, **headers
    )
    client.post("/admin/logout/")
    return response.status_code


class TestLockout:
    """Five failures lock the account *from that address*; nobody can lock anyone out from elsewhere."""

    def test_five_failures_lock_the_address_for_15_minutes_with_a_chinese_message(
        self, department, make_account, client
    ):
        make_account(department, username="jyj_lock")
        fail_login(client, "jyj_lock", 4)
        assert log_in(client, "jyj_lock", ATTACKER) == 302  # a success clears the failures
        fail_login(client, "jyj_lock", 5)
        response = client.post("/admin/login/", {"username": "jyj_lock", "password": PASSWORD}, REMOTE_ADDR=ATTACKER)
        assert response.status_code == 429
        assert "登录失败次数过多" in response.content.decode() and "15 分钟" in response.content.decode()
        # the cool-off passes
        AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
        assert log_in(client, "jyj_lock", ATTACKER) == 302

    def test_failures_from_one_address_do_not_lock_the_account_elsewhere(self, department, make_account, client):
        make_account(department, username="jyj_target")
        fail_login(client, "jyj_target", 5)  # someone trying to lock the unit out
        assert log_in(client, "jyj_target", "10.9.9.9") == 302  # the unit's own office still logs in
        assert log_in(client, "jyj_target", ATTACKER) == 429  # the attacker's address is locked

    def test_the_superusers_account_cannot_be_locked_from_outside_either(self, superuser, client):
        fail_login(client, "root", 5)
        response = client.post("/admin/login/", {"username": "root", "password": "Secret-pass-2026"},
                               REMOTE_ADDR="10.9.9.9")  # fmt: skip
        assert response.status_code == 302

    def test_a_ceiling_per_account_across_addresses_stops_a_spread_out_guessing(
        self, department, make_account, client, settings
    ):
        make_account(department, username="jyj_spread")
        ceiling = settings.LOGIN_FAILURE_CEILING
        addresses = [f"10.1.0.{n}" for n in range(1, ceiling // settings.AXES_FAILURE_LIMIT + 1)]
        for address in addresses[:-1]:
            fail_login(client, "jyj_spread", settings.AXES_FAILURE_LIMIT, address)
        assert log_in(client, "jyj_spread", "10.9.9.9") == 302  # below the ceiling: the office is unaffected
        fail_login(client, "jyj_spread", settings.AXES_FAILURE_LIMIT, addresses[-1])
        assert log_in(client, "jyj_spread", "10.9.9.9") == 429  # ceiling reached: locked everywhere
        AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
        assert log_in(client, "jyj_spread", "10.9.9.9") == 302

    def test_the_security_admin_unlocks_before_the_cool_off(
        self, department, make_account, make_info_center_user, client
    ):
        user = make_account(department, username="jyj_lock2")
        fail_login(client, "jyj_lock2", 5)
        assert log_in(client, "jyj_lock2", ATTACKER) == 429
        assert unlock_account(user, actor=make_info_center_user("安全管理员")) == 1
        assert log_in(client, "jyj_lock2", ATTACKER) == 302

    def test_other_accounts_from_the_same_office_address_are_not_locked(self, department, make_account, client):
        make_account(department, username="jyj_typo")
        make_account(department, username="jyj_fine")
        fail_login(client, "jyj_typo", 5)
        assert log_in(client, "jyj_fine", ATTACKER) == 302

    def test_behind_the_proxy_the_address_is_the_one_the_proxy_saw(self, department, make_account, client, settings):
        settings.LOGIN_TRUSTED_PROXIES = 1
        make_account(department, username="jyj_proxied")
        proxy = "127.0.0.1"
        for _ in range(5):  # the attacker varies the header it sends; the proxy appends its real address
            client.post("/admin/login/", {"username": "jyj_proxied", "password": "Wrong-pass-0000"},
                        REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=f"1.2.3.{_}, {ATTACKER}")  # fmt: skip
        assert log_in(client, "jyj_proxied", proxy, HTTP_X_FORWARDED_FOR=ATTACKER) == 429
        assert log_in(client, "jyj_proxied", proxy, HTTP_X_FORWARDED_FOR="10.9.9.9") == 302
        assert log_in(client, "jyj_proxied", proxy, HTTP_X_FORWARDED_FOR="not an address") == 302  # no 500


class TestSessions:
    def test_an_idle_session_ends_after_30_minutes_and_activity_renews_it(self, department, make_account, client):
        client.force_login(make_account(department))
        assert client.get("/admin/").status_code == 200
        session = Session.objects.get()
        left = session.expire_date - timezone.now()
        assert timedelta(minutes=29) < left <= timedelta(minutes=30)
        expire_idle(session)
        response = client.get("/admin/")
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")

    def test_activity_renews_the_expiry_at_most_once_a_minute(self, department, make_account, client):
        client.force_login(make_account(department))
        assert client.get("/admin/").status_code == 200
        session = Session.objects.get()
        store = SessionStore(session.session_key)
        first = session.expire_date
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/admin/").status_code == 200
        assert Session.objects.get().expire_date == first, "renewed less than a minute ago: no write"
        assert not [q for q in queries if "django_session" in q["sql"]], "read from the cache, not written"
        store[RENEWED_AT] -= settings.SESSION_RENEW_SECONDS  # a minute later
        store.save()
        Session.objects.update(expire_date=first - timedelta(minutes=5))  # and 5 minutes of it gone
        assert client.get("/admin/").status_code == 200
        assert Session.objects.get().expire_date > first, "renewed: another 30 idle minutes"

    def test_a_stale_session_cookie_creates_no_session(self, client, department):
        client.cookies[settings.SESSION_COOKIE_NAME] = "x" * 32
        assert client.get("/admin/login/").status_code == 200
        assert client.get(department.root_page.url).status_code == 200
        assert not Session.objects.exists()

    def test_session_settings(self):
        assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_RENEW_SECONDS == 60
        assert settings.SESSION_COOKIE_HTTPONLY


def expire_idle(session: Session) -> None:
    """30 idle minutes later: the row and the cached copy have expired together."""
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    cache.delete(SessionStore(session.session_key).cache_key)


def directives(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.strip() for part in policy.split(";") if part.strip()}


class TestHeaders:
    def test_public_pages_carry_a_strict_policy_cached_or_not(self, portal, client):
        for _ in range(2):  # the second answer comes from the anonymous page cache
            response = client.get("/", HTTP_HOST="www.example.gov.cn")
            assert response.status_code == 200
            csp = directives(response)
            assert csp["script-src"] == "script-src 'self'"
            assert csp["object-src"] == "object-src 'none'" and "frame-ancestors" in csp
            assert response["X-Frame-Options"] == "DENY"
            assert response["X-Content-Type-Options"] == "nosniff"
            assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"

    def test_admin_pages_carry_the_policy_with_wagtails_inline_scripts(self, client, superuser):
        client.force_login(superuser)
        for url in ("/admin/login/", "/admin/"):
            response = client.get(url)
            assert "'unsafe-inline'" in directives(response)["script-src"]
            assert response["X-Frame-Options"] == "DENY" and response["X-Content-Type-Options"] == "nosniff"

    def test_hsts_on_https_when_production_sets_it(self, portal, client, settings):
        settings.SECURE_HSTS_SECONDS = 31536000
        settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
        response = client.get("/", HTTP_HOST="www.example.gov.cn", secure=True)
        assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"

    def test_check_deploy_is_clean_with_production_settings(self):
        # A deployment's environment: not the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE.
        env = {key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"}
        env |= {
            "DJANGO_SETTINGS_MODULE": "cms.settings.production",
            "SECRET_KEY": "a-long-random-production-key-" + "x9Y!" * 12,
            "ALLOWED_HOSTS": "www.xzq.gov.cn",
        }
        result = subprocess.run(
            [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert "no issues" in result.stdout


def png(width: int, height: int, mode: str = "RGB") -> bytes:
    data = BytesIO()
    PILImage.new(mode, (width, height)).save(data, "PNG")
    return data.getvalue()


class TestUploads:
    @pytest.fixture
    def collection(self, department):
        return Collection.objects.get(name=department.site_name)

    def image_form(self, collection, name: str, content: bytes):
        form_class = get_image_form(get_image_model())
        upload = SimpleUploadedFile(name, content)
        return form_class({"title": name, "collection": collection.pk}, {"file": upload})

    def test_an_ordinary_image_is_accepted(self, collection):
        assert self.image_form(collection, "logo.png", png(20, 20)).is_valid()

    def test_types_outside_the_allow_list_are_refused(self, collection):
        svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'
        form = self.image_form(collection, "x.svg", svg)
        assert not form.is_valid() and "file" in form.errors

    def test_a_decompression_bomb_is_refused(self, collection):
        with pytest.warns(PILImage.DecompressionBombWarning):  # Pillow's guard, at our 40 M pixel limit
            form = self.image_form(collection, "bomb.png", png(8000, 6000, mode="1"))  # 48 M pixels, a few KB
            assert not form.is_valid() and "file" in form.errors

    def test_a_bomb_past_twice_the_limit_is_a_form_error_not_a_500(self, collection):
        form = self.image_form(collection, "bomb.png", png(10000, 9000, mode="1"))  # 90 M pixels
        assert not form.is_valid() and "file" in form.errors

    def test_documents_outside_the_allow_list_or_too_large_are_refused(self, collection, settings):
        form_class = get_document_form(get_document_model())
        exe = form_class({"title": "x", "collection": collection.pk}, {"file": SimpleUploadedFile("x.exe", b"MZ")})
        assert not exe.is_valid()
        settings.DOCUMENT_MAX_UPLOAD_SIZE = 1024
        big = SimpleUploadedFile("big.pdf", b"%PDF-1.4" + b"0" * 2048)
        form = form_class({"title": "big", "collection": collection.pk}, {"file": big})
        assert not form.is_valid() and "文档不能超过" in str(form.errors["file"])
        ok = SimpleUploadedFile("ok.pdf", b"%PDF-1.4 small")
        assert form_class({"title": "ok", "collection": collection.pk}, {"file": ok}).is_valid()


class TestSanitizer:
    @pytest.mark.parametrize(
        ("dirty", "clean"),
        [
            ("<p>通知<script>alert(1)</script></p>", "<p>通知</p>"),
            ('<img src="x" onerror="alert(1)">', '<img src="x">'),
            ('<a href="javascript:alert(1)">链接</a>', '<a rel="noopener noreferrer nofollow">链接</a>'),
            ("<iframe src='//evil'></iframe><p>正文</p>", "<p>正文</p>"),
            ('<p style="background:url(javascript:x)">样式</p>', "<p>样式</p>"),
            (
                "<table><tr><td colspan='2'>表</td></tr></table>",
                '<table><tbody><tr><td colspan="2">表</td></tr></tbody></table>',
            ),
        ],
    )
    def test_keeps_structure_and_drops_anything_active(self, dirty, clean):
        assert sanitize_html(dirty) == clean


class TestAudit:
    def test_the_audit_admin_exports_account_and_login_events(
        self, department, make_account, make_info_center_user, client
    ):
        user = make_account(department, username="jyj_audit")
        client.post("/admin/login/", {"username": "jyj_audit", "password": PASSWORD})
        client.post("/admin/logout/")
        reset_password(user)
        client.force_login(make_info_center_user("审计管理员"))
        response = client.post(reverse("accounts:audit_export"), {"since": "", "until": ""})
        assert response["Content-Type"].startswith("text/csv")
        text = response.content.decode("utf-8-sig")
        assert text.splitlines()[0] == "时间,用户,操作,对象,详情"
        for action in ("accounts.create", "accounts.reset_password", "accounts.login", "accounts.logout"):
            assert action in text

    def test_the_security_admin_cannot_read_the_audit_log(self, make_info_center_user, client):
        client.force_login(make_info_center_user("安全管理员"))
        assert client.get(reverse("accounts:audit_export")).status_code == 302

    def test_entries_are_kept_at_least_180_days(self, db, settings):
        with pytest.raises(AccountError, match="至少保留 180 天"):
            purge_audit_log(90)
        settings.AUDIT_LOG_RETENTION_DAYS = 180
        assert purge_audit_log(365) == 0


class TestTwoFactor:
    """Optional TOTP for info-center roles: once confirmed, every login asks for a code."""

    def code(self, device) -> str:
        from django_otp.oath import TOTP

        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        return f"{totp.token():0{device.digits}d}"

    def test_setup_then_every_login_asks_for_the_code(self, make_info_center_user, client):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        user = make_info_center_user("安全管理员", username="sec2fa")
        client.force_login(user)
        page = client.get(reverse("accounts:2fa_setup")).content.decode()
        assert "data:image/svg+xml" in page  # the QR code
        device = TOTPDevice.objects.get(user=user, confirmed=False)
        assert "验证码不正确" in client.post(reverse("accounts:2fa_setup"), {"token": "000000"}).content.decode()
        assert client.post(reverse("accounts:2fa_setup"), {"token": self.code(device)}).status_code == 302
        device.refresh_from_db()
        assert device.confirmed

        client.post("/admin/logout/")
        assert client.post("/admin/login/", {"username": "sec2fa", "password": PASSWORD}).status_code == 302
        response = client.get(reverse("accounts:index"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:2fa_verify"))
        device.refresh_from_db()
        device.last_t = -1  # the setup used this time step's code; a later step's code is new
        device.save()
        response = client.post(reverse("accounts:2fa_verify") + "?next=/admin/accounts/", {"token": self.code(device)})
        assert response.status_code == 302 and response["Location"] == "/admin/accounts/"
        assert client.get(reverse("accounts:index")).status_code == 200

    def test_unit_accounts_are_not_offered_two_factor_and_never_asked(self, department, make_account, client):
        user = make_account(department)
        client.force_login(user)
        assert client.get(reverse("accounts:2fa_setup")).status_code == 302
        assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_the_admin_asks_no_third_party_for_avatars(client, department, make_user):
    # Gravatar: a broken image on an intranet, and a third party told who uses the admin.
    client.force_login(make_user(department, "editor", username="jyj_avatar"))
    html = client.get("/admin/").content.decode()
    assert "gravatar" not in html and "avatar" in html
