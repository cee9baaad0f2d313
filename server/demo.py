"""``wegovnow seed-demo``: a small demo city to click through."""

from __future__ import annotations

import asyncio
import hashlib
import json
import uuid

from server.accounts.models import User
from server.areas.geometry import AreaIndex, outlines_from_geojson
from server.areas.models import MapArea
from server.areas.routes import create_areas
from server.demo_proposals import seed_proposals
from server.media.intake import process_photo
from server.media.models import Media
from server.media.store import MediaStore
from server.reports.models import Category, Department, Report, ReportPhoto
from server.settings import REPO_ROOT, Settings
from server.syncing.changelog import record_change

CATEGORIES = [
    # id, group, icon, department, names
    ("streetlight", "streets", "lightbulb", "lighting",
     {"en": "Street light", "it": "Illuminazione pubblica", "de": "Straßenbeleuchtung", "el": "Οδικός φωτισμός"}),
    ("pothole", "streets", "road", "roads",
     {"en": "Pothole", "it": "Buca stradale", "de": "Schlagloch", "el": "Λακκούβα"}),
    ("waste", "cleanliness", "trash", "waste",
     {"en": "Rubbish and fly-tipping", "it": "Rifiuti abbandonati", "de": "Müll und wilde Ablagerung", "el": "Σκουπίδια"}),
    ("graffiti", "cleanliness", "spray", "waste",
     {"en": "Graffiti", "it": "Graffiti", "de": "Graffiti", "el": "Γκράφιτι"}),
    ("parks", "green", "tree", "parks",
     {"en": "Parks and trees", "it": "Parchi e alberi", "de": "Parks und Bäume", "el": "Πάρκα και δέντρα"}),
    ("other", "other", "pin", "",
     {"en": "Something else", "it": "Altro", "de": "Sonstiges", "el": "Άλλο"}),
]

# The departments the categories above send their reports to.
DEPARTMENTS = {
    "lighting": {"en": "Public lighting", "it": "Illuminazione pubblica", "de": "Öffentliche Beleuchtung", "el": "Δημοτικός φωτισμός"},
    "roads": {"en": "Roads", "it": "Strade", "de": "Straßen", "el": "Οδοποιία"},
    "waste": {"en": "Waste and cleaning", "it": "Rifiuti e pulizia", "de": "Abfall und Reinigung", "el": "Καθαριότητα"},
    "parks": {"en": "Parks and green spaces", "it": "Parchi e verde", "de": "Parks und Grünflächen", "el": "Πάρκα και πράσινο"},
}

# San Donà di Piave, one of WeGovNow's pilot towns; photos from the test fixtures.
DEMO_AREA = REPO_ROOT / "server" / "demo_data" / "san_dona_di_piave.geojson"
DEMO_REPORTS = [
    ("pothole", "Deep pothole at the car park entrance", 45.6319, 12.5674, "htc_desire_gps_parking_lot.jpg"),
    ("streetlight", "Lamp out since last week", 45.6290, 12.5700, "orient_Landscape_6.jpg"),
    ("parks", "Fallen branch on the path", 45.6340, 12.5640, None),
]


async def seed_categories() -> int:
    for position, (cid, group, icon, department, names) in enumerate(CATEGORIES):
        await Category.update_or_create(
            id=cid,
            defaults={"group": group, "icon": icon, "department": department, "names": names, "position": position},
        )
    return len(CATEGORIES)


async def seed_departments() -> None:
    for department_id, names in DEPARTMENTS.items():
        _, created = await Department.get_or_create(id=department_id, defaults={"names": names})
        if created:
            await record_change("department", department_id, 1)


async def seed_demo(settings: Settings) -> str:
    await seed_departments()
    categories = await seed_categories()
    if not await MapArea.exists():
        collection = json.loads(DEMO_AREA.read_text(encoding="utf-8"))
        await create_areas(outlines_from_geojson(collection, "name", "com_istat_code"))
    proposals = await seed_proposals(settings)
    if await Report.exists():
        return f"{categories} categories; reports already present, none added; {proposals}"
    reporter = await User.create(id=uuid.uuid4(), name="Demo resident", role="resident")
    store = MediaStore(settings.media_dir)
    photos_dir = REPO_ROOT / "tests" / "fixtures" / "photos"
    index = AreaIndex([(str(a.id), a.geometry) for a in await MapArea.all()])
    for category, text, lat, lon, photo in DEMO_REPORTS:
        report = await Report.create(
            id=uuid.uuid4(), category_id=category, description=text, lat=lat, lon=lon,
            area_id=index.area_of(lon, lat),
            accuracy=12.0, reporter=reporter, field_versions={},
        )
        if photo and (photos_dir / photo).exists():
            data = (photos_dir / photo).read_bytes()
            sha = hashlib.sha256(data).hexdigest()
            processed = await asyncio.to_thread(process_photo, data, settings.media_max_pixels)
            store.write(sha, "display", processed.display_jpeg)
            store.write(sha, "thumb", processed.thumb_jpeg)
            await Media.get_or_create(
                sha256=sha,
                defaults={"source_type": processed.source_format, "width": processed.width,
                          "height": processed.height, "bytes": len(data)},
            )
            await ReportPhoto.create(report=report, sha256=sha, position=0)
        await record_change("report", str(report.id), report.version)
    return f"{categories} categories, 1 area, {len(DEMO_REPORTS)} reports; {proposals}"
