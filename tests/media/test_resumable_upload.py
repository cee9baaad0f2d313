from __future__ import annotations

import base64
import hashlib
from datetime import datetime, timedelta, timezone

from server.core.housekeeping import prune_abandoned_uploads
from server.media.models import Media, Upload
from tests.conftest import FIXTURES, Person

PHOTO = (FIXTURES / "photos" / "canon_a85_orient8.jpg").read_bytes()  # 1.2 MB
SHA = hashlib.sha256(PHOTO).hexdigest()
TUS = {"Tus-Resumable": "1.0.0"}


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


async def create(person: Person, data: bytes = PHOTO, sha: str = SHA) -> str:
    response = await person.post(
        "/api/uploads",
        headers={**TUS, "Upload-Length": str(len(data)), "Upload-Metadata": f"sha256 {b64(sha)}"},
    )
    assert response.status_code == 201, await response.get_data(as_text=True)
    return response.headers["Location"]


async def send(person: Person, location: str, offset: int, chunk: bytes, checksum: str | None = None):  # type: ignore[no-untyped-def]
    headers = {**TUS, "Upload-Offset": str(offset), "Content-Type": "application/offset+octet-stream"}
    if checksum is None:
        checksum = "sha256 " + base64.b64encode(hashlib.sha256(chunk).digest()).decode()
    headers["Upload-Checksum"] = checksum
    return await person.client().patch(location, data=chunk, headers={**person.headers, **headers})


async def offset_of(person: Person, location: str) -> int:
    response = await person.client().head(location, headers={**person.headers, **TUS})
    return int(response.headers["Upload-Offset"])


async def test_upload_cut_at_sixty_percent_resumes_from_the_committed_offset(resident: Person) -> None:
    location = await create(resident)
    cut = int(len(PHOTO) * 0.6)
    await send(resident, location, 0, PHOTO[:cut])

    again = await create(resident)  # the app was killed and asks again
    resumed_at = await offset_of(resident, again)
    finished = await send(resident, again, resumed_at, PHOTO[resumed_at:])

    assert (again, resumed_at) == (location, cut)
    assert finished.status_code == 204
    assert await Media.exists(sha256=SHA)


async def test_chunk_with_a_wrong_checksum_is_refused_and_not_committed(resident: Person) -> None:
    location = await create(resident)

    response = await send(resident, location, 0, PHOTO[:1000], checksum="sha256 " + base64.b64encode(b"x" * 32).decode())

    assert response.status_code == 460
    assert await offset_of(resident, location) == 0


async def test_chunk_at_the_wrong_offset_is_a_conflict(resident: Person) -> None:
    location = await create(resident)
    await send(resident, location, 0, PHOTO[:1000])

    response = await send(resident, location, 500, PHOTO[500:1500])

    assert response.status_code == 409
    assert (await response.get_json())["error"]["code"] == "upload.offset_mismatch"


async def test_whole_file_that_is_not_the_named_photo_starts_over(resident: Person) -> None:
    other = (FIXTURES / "photos" / "olympus_c2040z_tiny_120x90.jpg").read_bytes()
    location = await create(resident, data=other, sha=SHA)

    response = await send(resident, location, 0, other)

    assert response.status_code == 409
    assert (await response.get_json())["error"]["code"] == "media.hash_mismatch"
    assert await offset_of(resident, location) == 0
    assert not await Media.exists(sha256=SHA)


async def test_photo_already_on_the_server_is_not_sent_again(resident: Person, other_resident: Person) -> None:
    location = await create(resident)
    await send(resident, location, 0, PHOTO)

    response = await other_resident.post(
        "/api/uploads",
        headers={**TUS, "Upload-Length": str(len(PHOTO)), "Upload-Metadata": f"sha256 {b64(SHA)}"},
    )

    assert response.headers["Upload-Offset"] == str(len(PHOTO))


async def test_another_persons_upload_looks_missing(resident: Person, other_resident: Person) -> None:
    location = await create(resident)

    response = await other_resident.client().head(location, headers={**other_resident.headers, **TUS})

    assert response.status_code == 404


async def test_abandoned_upload_is_removed_after_the_grace_period(app, resident: Person) -> None:  # type: ignore[no-untyped-def]
    location = await create(resident)
    await send(resident, location, 0, PHOTO[:1000])
    settings = app.config["SETTINGS"]
    later = datetime.now(timezone.utc) + timedelta(hours=settings.upload_grace_hours + 1)

    removed = await prune_abandoned_uploads(settings, now=later)

    assert removed == 1
    assert not await Upload.exists()
    assert not list((settings.data_dir / "uploads").glob("*.part"))


async def test_upload_larger_than_the_limit_is_refused_at_creation(app, resident: Person) -> None:  # type: ignore[no-untyped-def]
    app.config["SETTINGS"].media_max_bytes = 1000

    response = await resident.post(
        "/api/uploads",
        headers={**TUS, "Upload-Length": str(len(PHOTO)), "Upload-Metadata": f"sha256 {b64(SHA)}"},
    )

    assert response.status_code == 413
