"""CSRF on every form, rate limits, and the security headers every response carries."""

from __future__ import annotations

from flask import Flask, Response, current_app

from vaalikone.extensions import csrf, limiter

# No third-party origin anywhere, no inline script or style: everything is served from 'self'.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # Voters' pages must not leak where they came from or went to.
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def add_security_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        # Behind TLS only: HSTS on plain http would lock users out of a loopback or test deployment.
        response.headers.setdefault(
            "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
        )
    if current_app.config.get("NODE_NAME"):
        response.headers["X-Vaalikone-Node"] = current_app.config["NODE_NAME"]
    return response


def api_limit() -> str:
    """Per-client limit of the JSON API, configurable as API_RATE_LIMIT."""
    return current_app.config["API_RATE_LIMIT"]


def init_app(app: Flask) -> None:
    csrf.init_app(app)
    limiter.init_app(app)
    app.after_request(add_security_headers)
