vcl 4.1;

# Placeholder front proxy for `make serve` (deploy/Procfile): the cluster's real VCL, with
# tag purges, grace and the pass rules, is docs/front-proxy.md's and replaces this file.
# Varnish's built-in logic already passes requests with cookies or authorization and
# never caches a response that sets a cookie.

backend app {
    .host = "127.0.0.1";
    .port = "8001";
}

# Wagtail's frontend cache (FRONTEND_CACHE_URL) purges URLs from this machine only.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip ~ purgers) {
            return (purge);
        }
        return (synth(405, "Not allowed"));
    }
    if (req.url ~ "^/admin/" || req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
}
