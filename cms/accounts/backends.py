from axes.backends import AxesBackend


class LockoutBackend(AxesBackend):
    """django-axes' lockout check, for logins that come with a request.

    Every real login (the admin login form, Django's LoginView) passes the
    request; only in-process calls such as the test client's ``login()`` or a
    shell do not. Those cannot be brute-forced from outside, so they skip the
    check instead of failing (AxesBackend raises without a request).
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
