"""What every admin page sends and refuses, whatever the page: strict headers, cookies that stay
on this site, and ids no database could hold answered 404 before any query."""

from __future__ import annotations

from flask import Flask, Response, abort, current_app

from bot.admin_link import LARGEST_ID

# The pages use their own CSS and JS files (no inline script or style) and may show a circular's
# image from elsewhere over https.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' https: data:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",  # a shared phone's back button shows no one's page
}
HSTS = "max-age=31536000; includeSubDomains"


def init_app(app: Flask) -> None:
    """Session cookies that stay on this site (and, over https, are never sent in the clear)."""
    config = app.config["KYOJO"]
    app.config.update(
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SECURE=config.production or config.public_url.startswith("https:"),
    )


def strict_headers(response: Response) -> Response:
    """The admin pages' security headers (HSTS only in production, which is served over https)."""
    response.headers.update(HEADERS)
    if current_app.config["KYOJO"].production:
        response.headers["Strict-Transport-Security"] = HSTS
    return response


def possible_ids(_endpoint: str | None, values: dict | None) -> None:
    """404 for an id in the URL that no row can have (a 20-digit request id)."""
    for value in (values or {}).values():
        if isinstance(value, int) and not 0 < value <= LARGEST_ID:
            abort(404)
