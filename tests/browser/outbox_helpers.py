"""Reach into the PWA's IndexedDB the way an older app version (or many saved
reports) would have left it, and read what reached the server."""

from __future__ import annotations

import hashlib
import io
import random
import sqlite3
import uuid
from typing import Any

from tests.browser.conftest import Server

QUEUE_V2 = """async ({items, photos}) => {
  const db = await new Promise((ok, fail) => {
    const r = indexedDB.open('wegovnow');
    r.onsuccess = () => ok(r.result);
    r.onerror = () => fail(r.error);
  });
  const tx = db.transaction(['meta', 'outbox', 'media'], 'readwrite');
  const done = new Promise((ok) => (tx.oncomplete = ok));
  const meta = tx.objectStore('meta');
  const req = meta.get('next_seq');
  req.onsuccess = () => {
    let seq = req.result;
    for (const m of items) {
      tx.objectStore('outbox').add({
        seq, state: 'waiting', entity_id: m.args.id ?? null, result: null,
        format: 2,
        mutation: {name: m.name, args: m.args, base_version: null,
                   created_at: new Date().toISOString()},
      });
      seq += 1;
    }
    meta.put(seq, 'next_seq');
    for (const p of photos) {
      const bytes = Uint8Array.from(atob(p.b64), (c) => c.charCodeAt(0));
      tx.objectStore('media').put({sha256: p.sha256, uploaded: 0,
        blob: new Blob([bytes], {type: 'image/jpeg'}),
        created_at: new Date().toISOString()});
    }
  };
  await done;
  db.close();
}"""

# The schema and item shape of outbox version 1, as the previous app wrote it.
SEED_V1 = """async ({items}) => {
  const db = await new Promise((ok, fail) => {
    const r = indexedDB.open('wegovnow', 1);
    r.onupgradeneeded = () => {
      const d = r.result;
      const outbox = d.createObjectStore('outbox', {keyPath: 'seq'});
      outbox.createIndex('state', 'state');
      outbox.createIndex('entity_id', 'entity_id');
      const media = d.createObjectStore('media', {keyPath: 'sha256'});
      media.createIndex('uploaded', 'uploaded');
      const records = d.createObjectStore('records', {keyPath: ['entity', 'id']});
      records.createIndex('entity', 'entity');
      d.createObjectStore('meta');
    };
    r.onsuccess = () => ok(r.result);
    r.onerror = () => fail(r.error);
  });
  const tx = db.transaction(['meta', 'outbox'], 'readwrite');
  const meta = tx.objectStore('meta');
  const now = new Date().toISOString();
  meta.put({installed_at: now}, 'sentinel');
  meta.put(crypto.randomUUID(), 'client_id');
  meta.put(items.length + 1, 'next_seq');
  meta.put(0, 'cursor');
  meta.put(0, 'last_seq');
  items.forEach((m, i) => tx.objectStore('outbox').add({
    seq: i + 1, name: m.name, args: m.args, base_version: null,
    created_at: now, entity_id: m.args.id, state: 'waiting', result: null,
  }));
  await new Promise((ok) => (tx.oncomplete = ok));
  db.close();
  localStorage.setItem('wgn-installed', now);
}"""


def report_create(description: str, photos: list[str] | None = None) -> dict[str, Any]:
    return {
        "name": "report.create",
        "args": {
            "id": str(uuid.uuid4()),
            "category": "streetlight",
            "description": description,
            "location": {"lat": 45.4642, "lon": 9.19, "accuracy": 8},
            "observed_at": "2026-01-10T09:00:00Z",
            "photos": photos or [],
            "show_name": False,
        },
    }


def small_jpeg(seed: int) -> tuple[str, bytes]:
    from PIL import Image

    rng = random.Random(seed)
    image = Image.new("RGB", (64, 48), (rng.randrange(256), rng.randrange(256), seed % 256))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    data = out.getvalue()
    return hashlib.sha256(data).hexdigest(), data


def reports_with(server: Server, token: str, prefix: str) -> list[dict[str, Any]]:
    features = server.api("/api/reports?limit=1000", token)["features"]
    return [
        f["properties"]
        for f in features
        if (f["properties"].get("description") or "").startswith(prefix)
    ]


def make_cursors_too_old(server: Server) -> None:
    """What pruning old tombstones does: every cursor handed out so far is too old."""
    with sqlite3.connect(server.data_dir / "wegovnow.sqlite3") as db:
        (newest,) = db.execute("SELECT COALESCE(MAX(seq), 0) FROM change_log").fetchone()
        db.execute(
            "INSERT OR REPLACE INTO sync_watermark (id, min_cursor) VALUES (1, ?)", (newest + 1,)
        )


def photos_when_ready(server: Server, token: str, report_id: str, seconds: float = 30) -> Any:
    """A report's photos once none is pending: text arrives first, photos after."""
    import time

    deadline = time.monotonic() + seconds
    while True:
        photos = server.api(f"/api/reports/{report_id}", token)["photos"]
        if all(p["status"] == "ready" for p in photos) or time.monotonic() > deadline:
            return photos
        time.sleep(0.3)
