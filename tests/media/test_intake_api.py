from __future__ import annotations

import hashlib
import io

import pillow_heif
from PIL import Image

from tests.conftest import FIXTURES, Person

PHOTOS = FIXTURES / "photos"
GPS_INFO = 0x8825


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


async def upload(person: Person, data: bytes, name: str | None = None):  # type: ignore[no-untyped-def]
    return await person.put(f"/api/media/{name or sha(data)}", data=data, headers={"Content-Type": "image/jpeg"})


async def fetch(person: Person, data: bytes, variant: str = "display") -> Image.Image:
    response = await person.get(f"/api/media/{sha(data)}/{variant}")
    assert response.status_code == 200
    return Image.open(io.BytesIO(await response.get_data()))


async def test_photo_with_gps_comes_back_without_any_location(resident: Person) -> None:
    data = (PHOTOS / "htc_desire_gps_parking_lot.jpg").read_bytes()
    assert Image.open(io.BytesIO(data)).getexif().get(GPS_INFO)  # the fixture has GPS

    assert (await upload(resident, data)).status_code == 201
    served = await fetch(resident, data)

    assert served.getexif().get(GPS_INFO) is None
    assert not served.info.get("exif") and not served.info.get("xmp")


async def test_rotated_photo_comes_back_upright(resident: Person) -> None:
    data = (PHOTOS / "orient_Landscape_6.jpg").read_bytes()  # stored 1200x1800, tag 6

    await upload(resident, data)
    served = await fetch(resident, data)

    assert served.width > served.height
    assert served.getexif().get(0x0112) is None


async def test_heic_photo_is_turned_once_and_loses_its_gps(resident: Person) -> None:
    data = (PHOTOS / "iphonexr_orient6_gps.heic").read_bytes()  # decodes 3024x4032

    assert (await upload(resident, data)).status_code == 201
    served = await fetch(resident, data)

    assert served.height > served.width
    assert served.getexif().get(GPS_INFO) is None


def wiped_on_the_device(data: bytes) -> bytes:
    """The HEIC as the PWA queues it: its Exif and XMP items zeroed in place.

    pillow-heif hands out each item's bytes as they lie in the file (the Exif item
    minus its 4-byte header), so finding them finds the ranges the PWA wipes.
    """
    info = pillow_heif.open_heif(data).info
    wiped = bytearray(data)
    exif_at = wiped.find(info["exif"]) - 4
    wiped[exif_at : exif_at + 4 + len(info["exif"])] = bytes(4 + len(info["exif"]))
    xmp_at = wiped.find(info["xmp"])
    wiped[xmp_at : xmp_at + len(info["xmp"])] = bytes(len(info["xmp"]))
    return bytes(wiped)


async def test_heic_photo_whose_metadata_the_device_zeroed_is_stored_upright(
    resident: Person,
) -> None:
    data = wiped_on_the_device((PHOTOS / "iphonexr_orient6_gps.heic").read_bytes())

    assert (await upload(resident, data)).status_code == 201
    served = await fetch(resident, data)

    # Portrait: the HEIF rotation (irot) is applied, though the Exif tag 6 is gone.
    assert served.height > served.width


async def test_thumbnail_is_small(resident: Person) -> None:
    data = (PHOTOS / "canon_a85_orient8.jpg").read_bytes()

    await upload(resident, data)
    thumb = await fetch(resident, data, "thumb")

    assert max(thumb.size) <= 400


async def test_truncated_jpeg_is_refused_as_corrupt(resident: Person) -> None:
    data = (PHOTOS / "sony_xperia_e5823_truncated.jpg").read_bytes()

    response = await upload(resident, data)

    assert response.status_code == 422
    assert (await response.get_json())["error"]["code"] == "media.corrupt"


async def test_non_image_is_refused_as_unsupported(resident: Person) -> None:
    data = b"%PDF-1.4\n" + b"not a photo" * 100

    response = await upload(resident, data)

    assert response.status_code == 415
    assert (await response.get_json())["error"]["code"] == "media.unsupported_type"


async def test_bytes_that_do_not_match_their_name_are_refused(resident: Person) -> None:
    data = (PHOTOS / "olympus_c2040z_tiny_120x90.jpg").read_bytes()

    response = await upload(resident, data, name=sha(b"something else"))

    assert response.status_code == 400
    assert (await response.get_json())["error"]["code"] == "media.hash_mismatch"


async def test_photo_already_stored_is_not_processed_again(resident: Person) -> None:
    data = (PHOTOS / "olympus_c2040z_tiny_120x90.jpg").read_bytes()

    first = await upload(resident, data)
    second = await upload(resident, data)

    assert (first.status_code, second.status_code) == (201, 200)


async def test_head_tells_whether_the_server_has_a_photo(resident: Person) -> None:
    data = (PHOTOS / "olympus_c2040z_tiny_120x90.jpg").read_bytes()

    before = await resident.client().head(f"/api/media/{sha(data)}", headers=resident.headers)
    await upload(resident, data)
    after = await resident.client().head(f"/api/media/{sha(data)}", headers=resident.headers)

    assert (before.status_code, after.status_code) == (404, 200)


async def test_oversized_upload_is_refused_before_decoding(app, resident: Person) -> None:  # type: ignore[no-untyped-def]
    app.config["SETTINGS"].media_max_bytes = 10_000
    data = (PHOTOS / "htc_desire_gps_parking_lot.jpg").read_bytes()

    response = await upload(resident, data)

    assert response.status_code == 413
    assert (await response.get_json())["error"]["code"] == "media.too_large"


async def test_decompression_bomb_is_refused(app, resident: Person) -> None:  # type: ignore[no-untyped-def]
    buffer = io.BytesIO()
    Image.new("L", (6000, 6000)).save(buffer, format="PNG")  # tiny file, 36 Mpx
    app.config["SETTINGS"].media_max_pixels = 10_000_000

    response = await upload(resident, buffer.getvalue())

    assert response.status_code == 413
    assert (await response.get_json())["error"]["code"] == "media.too_many_pixels"


async def test_upload_needs_an_account(app) -> None:  # type: ignore[no-untyped-def]
    data = (PHOTOS / "olympus_c2040z_tiny_120x90.jpg").read_bytes()

    response = await app.test_client().put(f"/api/media/{sha(data)}", data=data)

    assert response.status_code == 401
