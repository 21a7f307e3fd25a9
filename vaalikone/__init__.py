"""Vaalikone: a voting advice application built on the election goals of social and health organisations."""

from __future__ import annotations

from typing import Any

from flask import Flask

from vaalikone import config as config_module

__all__ = ["create_app"]


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the application: configuration, database, translations, blueprints, errors, commands."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(config_module.TEMPLATES_DIR),
    )
    config_module.configure(app, config)
    from vaalikone import cli, extensions, requestmemo
    from vaalikone.web import accounts, database, errors, i18n, readonly, security, templating

    requestmemo.init_app(app)
    extensions.init_matching(app)
    i18n.init_app(app)
    templating.init_app(app)
    database.init_app(app)
    readonly.init_app(app)
    security.init_app(app)
    accounts.init_app(app)
    extensions.mail.init_app(app)
    add_blueprints(app)
    errors.init_app(app)
    cli.init_app(app)
    if app.config.get("PROXY_COUNT"):
        # Behind nginx or a load balancer: trust exactly that many X-Forwarded-* hops, so rate limits and
        # logs see the client's address, not the proxy's.
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = int(app.config["PROXY_COUNT"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]
    return app


def add_blueprints(app: Flask) -> None:
    """One blueprint per audience: voters, candidates, organisations, administrators, and the JSON API."""
    from vaalikone.web.admin.routes import bp as admin_bp
    from vaalikone.web.api.routes import bp as api_bp
    from vaalikone.web.auth.routes import bp as auth_bp
    from vaalikone.web.candidate.routes import bp as candidate_bp
    from vaalikone.web.organisation.routes import bp as organisation_bp
    from vaalikone.web.voter.routes import bp as voter_bp

    app.register_blueprint(voter_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(candidate_bp, url_prefix="/ehdokas")
    app.register_blueprint(organisation_bp, url_prefix="/jarjesto")
    app.register_blueprint(admin_bp, url_prefix="/yllapito")
    app.register_blueprint(api_bp, url_prefix="/api/v1")
