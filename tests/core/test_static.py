"""The built PWA as the server sends it: caching, compression, the CSP."""

from __future__ import annotations

import gzip
from pathlib import Path

import brotli
import pytest
from quart import Quart

from server.settings import Settings

SCRIPT = "export const greeting = 'hello';\n" * 200


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><title>WeGovNow</title>" * 20)
    (dist / "assets" / "app-3f2a91c4.js").write_text(SCRIPT)
    (dist / "assets" / "logo-77aa01.png").write_bytes(b"\x89PNG" + bytes(2000))
    return settings.model_copy(
        update={"pwa_dir": dist, "tile_url": "http://tiles.city.example.org:8080/{z}/{x}/{y}.png"}
    )


async def test_hashed_assets_are_cached_for_a_year_and_immutable(app: Quart) -> None:
    response = await app.test_client().get("/assets/app-3f2a91c4.js")

    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"


async def test_the_app_shell_is_revalidated_on_every_load(app: Quart) -> None:
    response = await app.test_client().get("/mine")

    assert response.headers["Cache-Control"] == "no-cache"


async def test_javascript_is_sent_with_brotli_when_the_client_accepts_it(app: Quart) -> None:
    response = await app.test_client().get(
        "/assets/app-3f2a91c4.js", headers={"Accept-Encoding": "gzip, br"}
    )

    assert response.headers["Content-Encoding"] == "br"
    assert brotli.decompress(await response.get_data()).decode() == SCRIPT


async def test_html_is_sent_with_gzip_to_a_client_without_brotli(app: Quart) -> None:
    response = await app.test_client().get("/", headers={"Accept-Encoding": "gzip"})

    assert response.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(await response.get_data()).startswith(b"<!doctype html>")


async def test_text_is_sent_plain_to_a_client_that_accepts_no_encoding(app: Quart) -> None:
    response = await app.test_client().get(
        "/assets/app-3f2a91c4.js", headers={"Accept-Encoding": "identity"}
    )

    assert "Content-Encoding" not in response.headers
    assert (await response.get_data()).decode() == SCRIPT


async def test_compressible_responses_vary_on_accept_encoding(app: Quart) -> None:
    response = await app.test_client().get("/assets/app-3f2a91c4.js")

    assert "Accept-Encoding" in response.headers["Vary"]


async def test_images_are_not_compressed_again(app: Quart) -> None:
    response = await app.test_client().get(
        "/assets/logo-77aa01.png", headers={"Accept-Encoding": "gzip, br"}
    )

    assert "Content-Encoding" not in response.headers


async def test_a_compressed_file_unchanged_since_last_time_answers_304(app: Quart) -> None:
    client = app.test_client()
    first = await client.get("/assets/app-3f2a91c4.js", headers={"Accept-Encoding": "br"})

    again = await client.get(
        "/assets/app-3f2a91c4.js",
        headers={"Accept-Encoding": "br", "If-None-Match": first.headers["ETag"]},
    )

    assert again.status_code == 304


async def test_csp_lets_the_service_worker_fetch_map_tiles(app: Quart) -> None:
    csp = (await app.test_client().get("/")).headers["Content-Security-Policy"]

    connect_src = csp.split("connect-src", 1)[1].split(";", 1)[0]
    assert connect_src.split() == ["'self'", "http://tiles.city.example.org:8080"]


async def test_csp_lets_the_map_show_tiles_from_the_tile_server(app: Quart) -> None:
    csp = (await app.test_client().get("/")).headers["Content-Security-Policy"]

    img_src = csp.split("img-src", 1)[1].split(";", 1)[0]
    assert "http://tiles.city.example.org:8080" in img_src.split()


def test_a_subdomain_template_in_the_tile_url_becomes_a_wildcard_source() -> None:
    from server.core.static import tile_origin

    assert tile_origin("https://{s}.tile.example.org/{z}/{x}/{y}.png") == "https://*.tile.example.org"
