"""A photo is turned upright once, made small enough and loses its metadata
before it is queued; one that cannot be cleaned is not queued at all."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pillow_heif
import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser.conftest import Server
from tests.browser.heif_files import heif_with_scattered_metadata
from tests.browser.pages import resident_context

pytestmark = pytest.mark.browser
pillow_heif.register_heif_opener()

PHOTOS = Path(__file__).resolve().parents[1] / "fixtures" / "photos"
SIDEWAYS = PHOTOS / "orient_Landscape_6.jpg"
GPS_INFO = 0x8825

READ_MEDIA = """async () => {
  const open = indexedDB.open('wegovnow');
  await new Promise((ok) => (open.onsuccess = ok));
  const read = open.result.transaction('media').objectStore('media').getAll();
  await new Promise((ok) => (read.onsuccess = ok));
  return Promise.all(read.result.map(
    async (item) => [...new Uint8Array(await item.blob.arrayBuffer())]));
}"""


def open_form_offline(server: Server, browser: Any) -> Any:
    """The new report form with the position known and the network gone, so the
    queued photo stays in IndexedDB to be read."""
    server.cli("seed-demo")
    page = resident_context(browser).new_page()
    page.goto(server.base_url + "/")
    page.get_by_test_id("location-coords").filter(has_text="45.46").wait_for()
    page.context.set_offline(True)
    page.get_by_test_id("category-streetlight").click()
    return page


def choose_and_save(page: Any, photo: Path | dict[str, Any]) -> None:
    page.get_by_test_id("photo-input").set_input_files(photo)
    expect(page.get_by_test_id("photo-previews").locator("li")).to_have_count(1)
    page.get_by_test_id("save-report").click()
    expect(page.get_by_test_id("report-message")).to_contain_text("Saved")


def queued_photos(page: Any) -> list[bytes]:
    return [bytes(photo) for photo in page.evaluate(READ_MEDIA)]


def test_a_sideways_photo_is_queued_upright_without_exif(
    server: Server, browser: Any
) -> None:
    page = open_form_offline(server, browser)
    choose_and_save(page, SIDEWAYS)

    (queued,) = queued_photos(page)
    image = Image.open(io.BytesIO(queued))
    assert image.size == (1800, 1200)
    assert len(image.getexif()) == 0


def large_sideways_photo_with_gps(folder: Path) -> Path:
    """A 12-megapixel phone photo, stored on its side with orientation 6 and a
    position in its EXIF; upright, its top tenth is red."""
    upright = Image.new("RGB", (3024, 4032), (40, 90, 160))
    upright.paste((220, 20, 20), (0, 0, 3024, 403))
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[GPS_INFO] = {1: "N", 2: (45.0, 27.0, 51.0), 3: "E", 4: (9.0, 11.0, 24.0)}
    path = folder / "large_orient6_gps.jpg"
    # Tag 6 asks viewers to turn the stored pixels a quarter clockwise.
    upright.transpose(Image.Transpose.ROTATE_90).save(path, exif=exif, quality=90)
    return path


def test_a_large_photo_is_queued_at_most_2560_px_upright_without_exif(
    server: Server, browser: Any, tmp_path: Path
) -> None:
    photo = large_sideways_photo_with_gps(tmp_path)
    assert Image.open(photo).getexif().get_ifd(GPS_INFO)  # the input has GPS
    page = open_form_offline(server, browser)
    choose_and_save(page, photo)

    (queued,) = queued_photos(page)
    image = Image.open(io.BytesIO(queued)).convert("RGB")
    assert image.size == (1920, 2560)
    # Red at the top and not at the bottom: turned once, the right way.
    assert image.getpixel((960, 50))[0] > 180 > image.getpixel((960, 2500))[0]
    assert not image.info.get("exif")


@pytest.mark.parametrize(
    "name", ["iphonexr_orient6_gps.heic", "nokia83_hdr_gps_street.heif"]
)
def test_a_heic_photo_is_queued_at_its_size_with_its_metadata_zeroed(
    server: Server, browser: Any, name: str
) -> None:
    original = Image.open(PHOTOS / name)
    assert original.getexif().get_ifd(GPS_INFO)  # the input has GPS
    page = open_form_offline(server, browser)
    choose_and_save(page, PHOTOS / name)

    (queued,) = queued_photos(page)
    image = Image.open(io.BytesIO(queued))
    assert image.size == original.size
    # Chromium cannot decode HEIC: the Exif and XMP are zeros, the pixels intact.
    assert not any(image.info.get("exif") or b"")
    assert not any(image.info.get("xmp") or b"")


def test_heif_metadata_in_idat_in_several_extents_after_64_bit_sizes_is_zeroed(
    server: Server, browser: Any
) -> None:
    heif = heif_with_scattered_metadata()
    page = open_form_offline(server, browser)
    choose_and_save(
        page, {"name": "scattered.heif", "mimeType": "image/heif", "buffer": heif.data}
    )

    # Every Exif and XMP byte is zero and not one other byte has changed.
    assert queued_photos(page) == [heif.wiped()]


def test_a_photo_that_cannot_be_cleaned_is_refused_and_not_queued(
    server: Server, browser: Any
) -> None:
    cut = (PHOTOS / "iphonexr_orient6_gps.heic").read_bytes()[:3000]
    page = open_form_offline(server, browser)
    page.get_by_test_id("photo-input").set_input_files(
        {"name": "cut.heic", "mimeType": "image/heic", "buffer": cut}
    )
    expect(page.get_by_test_id("photo-refused")).to_be_visible()

    page.get_by_test_id("photo-go-without").click()
    page.get_by_test_id("description").fill("Lamp out, no photo")
    page.get_by_test_id("save-report").click()
    expect(page.get_by_test_id("report-message")).to_contain_text("Saved")
    assert queued_photos(page) == []


def test_after_a_refused_photo_the_person_can_choose_another(
    server: Server, browser: Any
) -> None:
    page = open_form_offline(server, browser)
    page.get_by_test_id("photo-input").set_input_files(
        {"name": "notes.heic", "mimeType": "image/heic", "buffer": b"not a photo"}
    )

    with page.expect_file_chooser() as chooser:
        page.get_by_test_id("photo-choose-other").click()
    chooser.value.set_files(SIDEWAYS)
    expect(page.get_by_test_id("photo-previews").locator("li")).to_have_count(1)
    expect(page.get_by_test_id("photo-refused")).to_be_hidden()
