"""The HEIF metadata wiper refuses files it cannot be sure to clean: each case
here is one a careless reader would pass on with the location still in it.

The module runs in Chromium on its own, served from the source, so a crafted
file needs no server, no form and no build."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.heif_files import (
    EXIF,
    box,
    heif_with_an_item_id_twice,
    heif_with_exif_located_twice,
    heif_with_free_extents,
    heif_with_meta,
    heif_with_uuid_box,
    item_info,
    item_infos,
    item_location,
    item_locations,
)

pytestmark = pytest.mark.browser

MODULE = Path(__file__).resolve().parents[2] / "pwa/src/report/heif-metadata.js"
ORIGIN = "http://heif.test"

# Either the wiped bytes or why the file was refused.
WIPE = """async (bytes) => {
  const { wipeHeifMetadata, HeifUnsafeError } = await import('/heif-metadata.js');
  try {
    return { wiped: [...wipeHeifMetadata(new Uint8Array(bytes))] };
  } catch (error) {
    if (!(error instanceof HeifUnsafeError)) throw error;
    return { refused: error.reason };
  }
}"""


@pytest.fixture
def wiper(browser: Any) -> Iterator[Any]:
    page = browser.new_page()
    page.route(
        f"{ORIGIN}/heif-metadata.js",
        lambda route: route.fulfill(
            body=MODULE.read_text(), content_type="text/javascript"
        ),
    )
    page.route(
        f"{ORIGIN}/", lambda route: route.fulfill(body="", content_type="text/html")
    )
    page.goto(f"{ORIGIN}/")
    yield page
    page.close()


def wipe(wiper: Any, data: bytes) -> dict[str, Any]:
    return wiper.evaluate(WIPE, list(data))  # type: ignore[no-any-return]


def test_an_exif_item_located_twice_is_refused(wiper: Any) -> None:
    # Wiping one location would leave the GPS in the other.
    assert "refused" in wipe(wiper, heif_with_exif_located_twice())


def test_two_items_with_one_id_are_refused(wiper: Any) -> None:
    assert "refused" in wipe(wiper, heif_with_an_item_id_twice())


@pytest.mark.parametrize("parent", [b"meta", b"iprp", b"ipco"])
def test_a_uuid_box_inside_meta_or_its_properties_is_refused(
    wiper: Any, parent: bytes
) -> None:
    assert "refused" in wipe(wiper, heif_with_uuid_box(parent))


def test_a_crafted_iloc_with_free_extents_is_refused_from_its_header(
    wiper: Any,
) -> None:
    # Two items keep the loop short should the header ever be let through;
    # the attack has 65,535 and would hold the page for minutes.
    outcome = wipe(wiper, heif_with_free_extents(items=2))
    assert "iloc" in outcome.get("refused", "")


def test_a_well_formed_file_built_the_same_way_is_still_wiped(wiper: Any) -> None:
    data = heif_with_meta(
        item_infos(item_info(2, b"Exif")),
        item_locations(item_location(2, 1, 0, [(0, len(EXIF))])),
        box(b"idat", EXIF),
    )
    wiped = bytes(wipe(wiper, data)["wiped"])
    assert wiped == data.replace(EXIF, bytes(len(EXIF)))
