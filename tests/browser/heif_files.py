"""A small HEIF file built box by box, with its metadata where real files
rarely put it: to check that the PWA finds it there too."""

from __future__ import annotations

import struct
from dataclasses import dataclass

EXIF = b"\x00\x00\x00\x06Exif\x00\x00MM\x00*\x00\x00\x00\x08GPS 45.4642 N 9.19 E"
XMP = b'<x:xmpmeta><rdf:Description exif:GPSLatitude="45,27.85N"/></x:xmpmeta>'
PIXELS = b"\x00\x00\x00\x1a(pretend HEVC tile bytes)"


def box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def large_box(kind: bytes, payload: bytes) -> bytes:
    """A box whose size is written in 64 bits, as files over 4 GB need."""
    return struct.pack(">I", 1) + kind + struct.pack(">Q", 16 + len(payload)) + payload


def full_box(kind: bytes, version: int, payload: bytes) -> bytes:
    return box(kind, bytes([version, 0, 0, 0]) + payload)


def item_info(item_id: int, kind: bytes, content_type: bytes = b"") -> bytes:
    fields = struct.pack(">HH", item_id, 0) + kind + b"\x00"
    return full_box(b"infe", 2, fields + (content_type + b"\x00" if content_type else b""))


def item_location(item_id: int, method: int, base: int, extents: list[tuple[int, int]]) -> bytes:
    fields = struct.pack(">HHHIH", item_id, method, 0, base, len(extents))
    return fields + b"".join(struct.pack(">II", offset, length) for offset, length in extents)


@dataclass(frozen=True)
class HeifFile:
    data: bytes
    metadata: list[tuple[int, int]]  # (start, end) of every Exif and XMP byte

    def wiped(self) -> bytes:
        out = bytearray(self.data)
        for start, end in self.metadata:
            out[start:end] = bytes(end - start)
        return bytes(out)


def heif_with_scattered_metadata() -> HeifFile:
    """Exif in meta's idat in two extents; XMP in a 64-bit mdat in two extents,
    addressed from a base offset."""
    exif_cut = len(EXIF) // 2
    xmp_cut = len(XMP) // 3
    filler = b"\xee" * 7
    mdat_payload = PIXELS + XMP[:xmp_cut] + filler + XMP[xmp_cut:]
    ftyp = box(b"ftyp", b"heic" + b"\x00\x00\x00\x00" + b"mif1heic")

    def meta(mdat_at: int) -> bytes:
        body = mdat_at + 16  # a 64-bit box header is 16 bytes
        xmp_at = len(PIXELS)
        locations = [
            item_location(1, 0, 0, [(body, len(PIXELS))]),
            item_location(2, 1, 0, [(0, exif_cut), (exif_cut, len(EXIF) - exif_cut)]),
            item_location(
                3, 0, body,
                [(xmp_at, xmp_cut), (xmp_at + xmp_cut + len(filler), len(XMP) - xmp_cut)],
            ),
        ]
        return full_box(
            b"meta",
            0,
            full_box(b"hdlr", 0, b"\x00" * 4 + b"pict" + b"\x00" * 13)
            + box(b"pitm", b"\x00" * 4 + struct.pack(">H", 1))
            + full_box(
                b"iinf",
                0,
                struct.pack(">H", 3)
                + item_info(1, b"hvc1")
                + item_info(2, b"Exif")
                + item_info(3, b"mime", b"application/rdf+xml"),
            )
            + full_box(b"iloc", 1, bytes([0x44, 0x40]) + struct.pack(">H", 3) + b"".join(locations))
            + box(b"idat", EXIF),
        )

    mdat_at = len(ftyp) + len(meta(0))
    head = ftyp + meta(mdat_at)
    data = head + large_box(b"mdat", mdat_payload)

    exif_at = head.index(EXIF)
    xmp_first = data.index(XMP[:xmp_cut])
    xmp_second = data.index(XMP[xmp_cut:])
    return HeifFile(
        data,
        [
            (exif_at, exif_at + len(EXIF)),
            (xmp_first, xmp_first + xmp_cut),
            (xmp_second, xmp_second + len(XMP) - xmp_cut),
        ],
    )


def heif_with_meta(*children: bytes) -> bytes:
    """A HEIF file whose `meta` holds `children`, with a small image after it."""
    ftyp = box(b"ftyp", b"heic" + b"\x00\x00\x00\x00" + b"mif1heic")
    return ftyp + full_box(b"meta", 0, b"".join(children)) + box(b"mdat", PIXELS)


def item_infos(*infos: bytes) -> bytes:
    return full_box(b"iinf", 0, struct.pack(">H", len(infos)) + b"".join(infos))


def item_locations(*locations: bytes) -> bytes:
    """An iloc version 1 with 4-byte offsets, lengths and base offsets."""
    body = bytes([0x44, 0x40]) + struct.pack(">H", len(locations))
    return full_box(b"iloc", 1, body + b"".join(locations))


def heif_with_exif_located_twice() -> bytes:
    """The Exif item in idat, and a second location for the same item that
    points at filler: a reader that takes the first finds the GPS."""
    filler = b"\xee" * 16
    return heif_with_meta(
        item_infos(item_info(2, b"Exif")),
        item_locations(
            item_location(2, 1, 0, [(0, len(EXIF))]),
            item_location(2, 1, 0, [(len(EXIF), len(filler))]),
        ),
        box(b"idat", EXIF + filler),
    )


def heif_with_an_item_id_twice() -> bytes:
    """Two items share an id: which one a reader takes is anybody's guess."""
    return heif_with_meta(
        item_infos(item_info(1, b"hvc1"), item_info(1, b"hvc1"), item_info(2, b"Exif")),
        item_locations(item_location(2, 1, 0, [(0, len(EXIF))])),
        box(b"idat", EXIF),
    )


def heif_with_uuid_box(parent: bytes) -> bytes:
    """An XMP `uuid` box (the extended type ISO BMFF files use for XMP) inside
    meta, or inside iprp or its property container ipco."""
    xmp_uuid = bytes.fromhex("be7acfcb97a942e89c71999491e3afac")
    uuid = box(b"uuid", xmp_uuid + XMP)
    exif = [
        item_infos(item_info(2, b"Exif")),
        item_locations(item_location(2, 1, 0, [(0, len(EXIF))])),
        box(b"idat", EXIF),
    ]
    if parent == b"meta":
        return heif_with_meta(*exif, uuid)
    if parent == b"iprp":
        return heif_with_meta(*exif, box(b"iprp", uuid))
    return heif_with_meta(*exif, box(b"iprp", box(b"ipco", uuid)))


def heif_with_free_extents(items: int) -> bytes:
    """An iloc whose offsets and lengths take 0 bytes: each of its `items`
    items claims 65,535 extents that cost nothing to list, so the box is tiny
    and reading it naively takes items × 65,535 steps."""
    free = b"".join(struct.pack(">HHH", 2, 0, 0xFFFF) for _ in range(items))
    return heif_with_meta(
        item_infos(item_info(2, b"Exif")),
        full_box(b"iloc", 0, bytes([0x00, 0x00]) + struct.pack(">H", items) + free),
        box(b"idat", EXIF),
    )

