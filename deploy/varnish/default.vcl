vcl 4.1;

# The cluster's front proxy (docs/front-proxy.md). Debian: apt-get install varnish varnish-modules.
# Run: varnishd -F -a :8000 -f deploy/varnish/default.vcl   (the app, gunicorn, on 127.0.0.1:8001)
#
# The app decides what may be cached (Cache-Control: public, max-age=0, s-maxage=300 on
# anonymous pages, sites/page_cache.py) and names what each page shows in its `xkey`
# header; sites/front_proxy.py purges those tags after every change commits.
# tests/serving/ runs this very file against a real varnishd (the backend's address replaced).

import std;
import xkey;

backend app {
    .host = "127.0.0.1";
    .port = "8001";
    .connect_timeout = 2s;
    .first_byte_timeout = 60s;
    .between_bytes_timeout = 10s;
    # Sick after 3 failed probes of 5: stale pages are then served for up to the long grace.
    # /healthz/ (core/health.py) answers 200 while the app reaches its database and cache,
    # whatever sites exist; the Host must be in ALLOWED_HOSTS.
    .probe = {
        .request = "GET /healthz/ HTTP/1.1"
                   "Host: localhost"
                   "X-Forwarded-Proto: https"
                   "User-Agent: varnish-probe"
                   "Connection: close";
        .interval = 2s;
        .timeout = 2s;
        .window = 5;
        .threshold = 3;
        .initial = 3;
    }
}

# Who may send PURGE: the app servers (sites/front_proxy.py). Add their addresses here.
acl purgers {
    "127.0.0.1";
    "::1";
}

# Who may say a request came over https (X-Forwarded-Proto): the TLS terminator in front
# (nginx, deploy/nginx/cluster.conf). Anyone else's header is dropped.
acl tls_terminators {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(405, "PURGE not allowed"));
        }
        # Hard purges: a taken-down page must not survive even as a stale copy.
        if (req.http.xkey-purge) {
            set req.http.x-purged = xkey.purge(req.http.xkey-purge);
        } else {
            # A URL purge drops every variant of host + path (query, 长者模式, http/https).
            set req.http.x-purged = xkey.purge("url:" + std.tolower(req.http.host) + regsuball(regsub(req.url, "\?.*$", ""), ",", "%2C"));
        }
        return (synth(200, "Purged"));
    }

    if (client.ip !~ tls_terminators) {
        unset req.http.X-Forwarded-Proto;
    }
    unset req.http.x-cache;
    unset req.http.x-cacheable;
    if (req.restarts == 0) {
        unset req.http.x-stale-only;
    }

    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # The admin (previews included), private documents, the API, the 长者模式 switch: the
    # paths the Django page cache never keeps either (PAGE_CACHE_EXEMPT_PREFIXES).
    if (req.url ~ "^/(admin|documents|api|a11y)(/|\?|$)") {
        return (pass);
    }
    # Signed-in editors and reviewers always see the live site (SESSION_COOKIE_NAME).
    if (req.http.Authorization || req.http.Cookie ~ "(^|;)\s*sessionid=") {
        return (pass);
    }

    # Tracking parameters change nothing on a page: one cached object for all of them.
    if (req.url ~ "[?&](utm_[a-z]+|gclid|fbclid|msclkid|spm|isappinstalled|scene|clicktime|enterid)=") {
        set req.url = regsuball(req.url, "([?&])(utm_[a-z]+|gclid|fbclid|msclkid|spm|isappinstalled|scene|clicktime|enterid)=[^&]*", "\1");
        set req.url = regsuball(req.url, "&&+", "&");
        set req.url = regsub(req.url, "\?&", "?");
        set req.url = regsub(req.url, "[?&]$", "");
    }
    set req.url = std.querysort(req.url);

    # The only cookie an anonymous page reads is 长者模式 (sites/page_cache.py): keep it
    # normalised, so Vary: Cookie gives exactly two variants, and drop every other one.
    if (req.http.Cookie ~ "(^|;)\s*elderly=1\s*(;|$)") {
        set req.http.Cookie = "elderly=1";
    } else {
        unset req.http.Cookie;
    }
    # The cluster speaks one language: Vary: Accept-Language must not split the cache.
    unset req.http.Accept-Language;

    # Serve a stale copy for 30 s past its TTL while it is fetched again; when the app is
    # down (sick probe, or a failed fetch retried below) for as long as the object's grace.
    if (req.http.x-stale-only) {
        set req.grace = 24h;  # capped by the object's own grace
    } elsif (std.healthy(req.backend_hint)) {
        set req.grace = 30s;
    }
    set req.http.x-cacheable = "1";
    return (hash);
}

sub vcl_hash {
    hash_data(req.url);
    hash_data(std.tolower(req.http.host));
    # http and https answers differ (redirects, absolute links).
    hash_data(req.http.X-Forwarded-Proto);
    if (req.http.Cookie == "elderly=1") {
        hash_data("elderly");
    }
    return (lookup);
}

sub vcl_hit {
    if (obj.ttl <= 0s) {
        set req.http.x-cache = "STALE";
    } else {
        set req.http.x-cache = "HIT";
    }
}

sub vcl_miss {
    # A retry after a failed fetch looks for a stale copy only; without one, the error.
    if (req.http.x-stale-only) {
        return (synth(503, "Backend unavailable"));
    }
    set req.http.x-cache = "MISS";
}

sub vcl_pass {
    set req.http.x-cache = "PASS";
}

sub vcl_backend_response {
    if (bereq.uncacheable) {
        return (deliver);
    }
    # Errors are never stored; a failed background refresh keeps the stale copy.
    if (beresp.status >= 500) {
        if (bereq.is_bgfetch) {
            return (abandon);
        }
        set beresp.ttl = 1s;
        set beresp.grace = 0s;
        set beresp.uncacheable = true;
        return (deliver);
    }
    # Only what the app marked public is stored, never a personalised answer.
    if (beresp.http.Set-Cookie
        || beresp.http.Cache-Control ~ "(private|no-store|no-cache)"
        || beresp.http.Cache-Control !~ "(public|s-maxage)"
        || beresp.http.Vary == "*"
        || beresp.ttl <= 0s) {
        set beresp.ttl = 120s;
        set beresp.grace = 0s;
        set beresp.uncacheable = true;
        return (deliver);
    }
    set beresp.grace = 6h;
    # Every object also carries its URL as a key, so a URL purge reaches all its variants.
    std.collect(beresp.http.xkey);
    set beresp.http.xkey = beresp.http.xkey + " url:" + std.tolower(bereq.http.host) + regsuball(regsub(bereq.url, "\?.*$", ""), ",", "%2C");
    return (deliver);
}

sub vcl_backend_error {
    # A failed background refresh must not replace the stale copy being served.
    if (bereq.is_bgfetch) {
        return (abandon);
    }
    set beresp.http.x-backend-down = "1";
    set beresp.http.Content-Type = "text/html; charset=utf-8";
    set beresp.http.Retry-After = "30";
    synthetic({"<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>网站暂时无法访问</title></head><body><h1>网站暂时无法访问</h1><p>服务器正在维护或繁忙，请稍后再试。</p></body></html>"});
    return (deliver);
}

sub vcl_deliver {
    # The app is unreachable: look once more for a stale copy within the object's long grace.
    if (resp.http.x-backend-down && req.restarts == 0 && req.http.x-cacheable) {
        set req.http.x-stale-only = "1";
        return (restart);
    }
    unset resp.http.x-backend-down;
    unset resp.http.xkey;
    set resp.http.X-Cache = req.http.x-cache;
}

sub vcl_synth {
    if (req.method == "PURGE" && req.http.x-purged) {
        set resp.http.X-Purged = req.http.x-purged;
    }
    if (resp.status == 503) {
        set resp.http.Content-Type = "text/html; charset=utf-8";
        set resp.http.Retry-After = "30";
        synthetic({"<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>网站暂时无法访问</title></head><body><h1>网站暂时无法访问</h1><p>服务器正在维护或繁忙，请稍后再试。</p></body></html>"});
        return (deliver);
    }
}
