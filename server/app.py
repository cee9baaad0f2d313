"""Assembles the application: settings, database, blueprints, error envelope, headers."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

from quart import Quart, Response, current_app, g, jsonify, request, send_from_directory
from werkzeug.exceptions import HTTPException

from server.accounts.auth import check_csrf, resolve_caller
from server.core.db import activate, open_database
from server.core.errors import ApiError, NotFound
from server.core.i18n import Catalog
from server.core.housekeeping import housekeeping_loop
from server.core.limits import install_rate_limits
from server.core.static import Compressed, cache_control, content_security_policy, text_response
from server.media.store import MediaStore
from server.proposals.scheduler import install as install_proposals_scheduler
from server.push.service import start_push, stop_push
from server.settings import Settings
from sync import PROTOCOL_VERSION

log = logging.getLogger("server")

# Importing a module registers its sync mutations and renderers.
import server.reports.mutations  # noqa: E402,F401
import server.reports.departments  # noqa: E402,F401
import server.reports.views  # noqa: E402,F401
import server.syncing.conflicts  # noqa: E402,F401
import server.proposals.mutations  # noqa: E402,F401
import server.proposals.views  # noqa: E402,F401

def create_app(settings: Settings | None = None) -> Quart:
    settings = settings or Settings()
    app = Quart(__name__, static_folder=None)
    app.config["SETTINGS"] = settings
    app.config["CATALOG"] = Catalog.load(settings.locales_dir, settings.default_locale)
    app.config["MEDIA_STORE"] = MediaStore(settings.media_dir)
    app.config["MAX_CONTENT_LENGTH"] = settings.media_max_bytes + 1024
    app.config["CSP"] = content_security_policy(settings.tile_url)
    app.config["COMPRESSED"] = Compressed()
    app.json.sort_keys = False  # type: ignore[attr-defined]

    from server.accounts.routes import blueprint as accounts
    from server.areas.routes import blueprint as areas
    from server.media.routes import blueprint as media
    from server.media.uploads import blueprint as uploads
    from server.proposals.routes import blueprint as proposals
    from server.push.routes import blueprint as push
    from server.reports.routes import blueprint as reports
    from server.syncing.routes import blueprint as sync_routes

    for blueprint in (accounts, areas, reports, media, uploads, proposals, push, sync_routes):
        app.register_blueprint(blueprint)

    app.before_serving(start)
    app.after_serving(stop)
    install_proposals_scheduler(app)
    app.before_request(identify)
    app.after_request(secure_headers)
    app.register_error_handler(ApiError, api_error)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(Exception, internal_error)
    add_core_routes(app)
    install_rate_limits(app, settings)  # after identify: it needs the caller
    return app


async def start() -> None:
    settings: Settings = current_app.config["SETTINGS"]
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    current_app.config["DB"] = await open_database(settings.resolved_database_url)
    try:
        await start_push(current_app)  # type: ignore[arg-type]
    except BaseException:
        # Close what was opened: a database thread left behind keeps the process alive.
        await stop()
        raise
    current_app.config["TASKS"] = [
        asyncio.create_task(housekeeping_loop(settings, current_app.config["MEDIA_STORE"]))
    ]
    log.info("serving with database %s", settings.resolved_database_url.split("@")[-1])


async def stop() -> None:
    tasks = current_app.config.pop("TASKS", [])
    for task in tasks:
        task.cancel()
    # Let a query in flight end before the connections close under it.
    await asyncio.gather(*tasks, return_exceptions=True)
    await stop_push(current_app)  # type: ignore[arg-type]
    context = current_app.config.pop("DB", None)
    if context is not None:
        await context.close_connections()


async def identify() -> None:
    """Make the database current, and find out who calls and in which language."""
    activate(current_app.config["DB"])
    catalog: Catalog = current_app.config["CATALOG"]
    g.lang = catalog.negotiate(request.headers.get("Accept-Language"))
    if not request.path.startswith(("/api/", "/signin/")):
        return
    g.caller = await resolve_caller()
    check_csrf(g.caller)


async def secure_headers(response: Response) -> Response:
    settings: Settings = current_app.config["SETTINGS"]
    headers = response.headers
    headers.setdefault("Content-Security-Policy", current_app.config["CSP"])
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "same-origin"
    headers["X-Frame-Options"] = "DENY"
    headers["Permissions-Policy"] = "camera=(self), geolocation=(self), microphone=()"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if settings.is_https:
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if request.path.startswith("/api/") and "Cache-Control" not in headers:
        headers["Cache-Control"] = "no-store"
    return response


def error_response(status: int, code: str, key: str, params: dict[str, Any], details: Any = None) -> Response:
    catalog: Catalog = current_app.config["CATALOG"]
    lang = g.get("lang") or catalog.default
    body = {
        "error": {
            "status": status,
            "code": code,
            "message": catalog.translate(key, lang, params),
            "message_key": key,
            "params": params,
            "details": details,
        }
    }
    response = jsonify(body)
    response.status_code = status
    return response


async def api_error(error: ApiError) -> Response:
    response = error_response(error.status, error.code, error.message_key, error.params, error.details)
    retry_after = getattr(error, "retry_after", None)
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response


async def http_error(error: HTTPException) -> Response:
    status = error.code or 500
    code = {
        404: "http.not_found",
        405: "http.method_not_allowed",
        413: "request.too_large",
    }.get(status, f"http.{status}")
    return error_response(status, code, code, {})


async def internal_error(error: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.path, exc_info=error)
    return error_response(500, "http.500", "http.500", {})


def add_core_routes(app: Quart) -> None:
    @app.get("/api/health")
    async def health() -> Any:
        from server.accounts.models import User

        await User.exists()  # the database answers
        return jsonify({"status": "ok", "protocol": PROTOCOL_VERSION})

    @app.get("/api/config")
    async def config() -> Any:
        settings: Settings = current_app.config["SETTINGS"]
        return jsonify(
            {
                "protocol": PROTOCOL_VERSION,
                "tile_url": settings.tile_url,
                "tile_attribution": settings.tile_attribution,
                "tile_cache_max_tiles": settings.tile_cache_max_tiles,
                "tile_cache_max_bytes": settings.tile_cache_max_bytes,
                "tile_save_max_zoom": settings.tile_save_max_zoom,
                "photos_per_report": settings.photos_per_report,
            }
        )

    @app.route("/api/<path:rest>", methods=["GET", "POST", "PUT", "DELETE", "PATCH"])
    async def unknown_api(rest: str) -> Any:
        raise NotFound("http.not_found")

    @app.get("/")
    @app.get("/<path:path>")
    async def pwa(path: str = "") -> Any:
        """Serve the built PWA; unknown paths get the app shell (client routing)."""
        settings: Settings = current_app.config["SETTINGS"]
        root = Path(settings.pwa_dir)
        candidate = (root / path).resolve()
        if not (path and candidate.is_file() and root.resolve() in candidate.parents):
            path, candidate = "index.html", root / "index.html"
            if not candidate.exists():
                raise NotFound("pwa.not_built")
        response = await text_response(request, candidate, current_app.config["COMPRESSED"])
        if response is None:
            response = await send_from_directory(root, path)
        if policy := cache_control(path):
            response.headers["Cache-Control"] = policy
        return response
