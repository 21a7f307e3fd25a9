"""Error pages: a clear message in the user's language, JSON under /api/, never a stack trace."""

from __future__ import annotations

from flask import Flask, current_app, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from vaalikone.i18n import gettext as _


def _message(code: int) -> str:
    messages = {
        400: _("Pyyntö oli virheellinen."),
        403: _("Sinulla ei ole oikeutta tälle sivulle."),
        404: _("Sivua ei löytynyt."),
        405: _("Tätä toimintoa ei voi tehdä näin."),
        413: _("Lähetetty tieto oli liian suuri."),
        429: _("Liian monta yritystä. Odota hetki ja yritä uudelleen."),
    }
    return messages.get(code, _("Palvelussa tapahtui virhe. Yritä hetken kuluttua uudelleen."))


def handle_http_error(error: HTTPException):
    code = error.code or 500
    # Views abort(400, description=_("...")) with a translated reason; werkzeug's default is not shown.
    custom = error.description != type(error).description
    detail = error.description if code in (400, 404) and custom else None
    if isinstance(error, CSRFError):
        detail = _(
            "Lomakkeen istunto vanheni tai lomake ei tullut tästä palvelusta. Lähetä lomake uudelleen."
        )
    if request.path.startswith("/api/"):
        # API clients get one contract for every bad request, oversized bodies included.
        status = 400 if code == 413 else code
        return jsonify({"error": detail or _message(code)}), status
    return render_template(
        "errors/error.html", code=code, message=_message(code), detail=detail
    ), code


def handle_unexpected(error: Exception):
    """The traceback goes to the server log, never to the user; tests see the exception itself."""
    if current_app.testing:
        raise error
    current_app.logger.exception("Unhandled error on %s %s", request.method, request.path)
    return handle_http_error(InternalServerError())


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
