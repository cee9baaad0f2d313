// Wipes the metadata out of a HEIF photo (HEIC from iPhones, HEIF from
// Android) that this browser cannot decode, so its location never leaves the
// device. Decoding HEIC here would need a wasm decoder of about 1.5 MB; the
// container alone is enough to find the metadata.
//
// Theory of operation. HEIF is an ISO BMFF file: a row of boxes, each
// `size(u32) type(4cc) payload`, where size 1 means a u64 size follows the
// type and size 0 means "to the end of the file". At the top level sit
// `ftyp` (the brands), one `meta` and the `mdat` holding the bytes. Inside
// `meta` (a full box: 4 bytes of version and flags before its children):
//   - `iinf` lists the items; each `infe` (version 2 or 3) names an item id
//     and a type: `hvc1` for image tiles, `grid`, `Exif` for the EXIF block
//     (GPS included), `mime` with a content type, `application/rdf+xml`
//     being XMP, which repeats the location;
//   - `iloc` says where each item's bytes are: extents of (offset, length)
//     in this file (construction method 0) or inside `meta`'s `idat` box
//     (method 1), each offset added to the item's base offset;
//   - `xml ` or `bxml` may hold XML for the whole file.
// Every byte of every Exif and XMP item, and of `xml `/`bxml`, is
// overwritten with zeros in a copy. No length changes, so every offset in the
// file stays valid and the pixels decode as before; readers see an Exif
// block of zeros, which holds nothing (see server/media/intake.py).
//
// What it handles: 32- and 64-bit box sizes, iloc versions 0 to 2 with 0, 4
// or 8-byte fields (lengths 4 or 8), items in `idat`, items in several
// extents. Every count in iloc is checked against the bytes left before it
// is looped over, so the work is bounded by the size of the file.
// What it refuses (HeifUnsafeError; the caller must not send the photo):
// anything but a HEIF brand, top-level boxes other than ftyp, meta, mdat,
// free, skip and wide (an image sequence's `moov` or a `uuid` box can carry
// metadata this code does not read), `uuid` boxes inside meta and its item
// properties for the same reason, item info older than version 2,
// metadata items built from other items (method 2), kept in another file,
// of unknown length (0) or reaching past their region, sizes above 2^53,
// two items with one id or one item located twice (readers pick one of the
// two, not necessarily the one wiped), and any box that does not fit inside
// its parent.

const HEIF_BRANDS = new Set([
  'mif1',
  'mif2',
  'msf1',
  'heic',
  'heix',
  'heim',
  'heis',
  'hevc',
  'hevx',
]);
const TOP_LEVEL = new Set(['ftyp', 'meta', 'mdat', 'free', 'skip', 'wide']);
const XMP = 'application/rdf+xml';

export class HeifUnsafeError extends Error {
  constructor(reason) {
    super(`HEIF metadata cannot be removed safely: ${reason}`);
    this.name = 'HeifUnsafeError';
    this.reason = reason;
  }
}

const refuse = (reason) => {
  throw new HeifUnsafeError(reason);
};

// Reads big-endian fields from one box, never past its end.
class Cursor {
  constructor(view, pos, end) {
    this.view = view;
    this.pos = pos;
    this.end = end;
  }

  uint(size) {
    if (size === 0) return 0;
    if (this.pos + size > this.end) refuse('a field runs past its box');
    const at = this.pos;
    this.pos += size;
    if (size === 1) return this.view.getUint8(at);
    if (size === 2) return this.view.getUint16(at);
    if (size === 4) return this.view.getUint32(at);
    if (size === 8) return uint64(this.view, at);
    return refuse(`a ${size}-byte field`);
  }

  // A full box starts with a version byte and 3 bytes of flags.
  version() {
    const version = this.uint(1);
    this.skip(3);
    return version;
  }

  skip(size) {
    if (this.pos + size > this.end) refuse('a field runs past its box');
    this.pos += size;
  }

  fourcc() {
    const code = this.uint(4);
    return String.fromCharCode(
      code >>> 24,
      (code >>> 16) & 0xff,
      (code >>> 8) & 0xff,
      code & 0xff,
    );
  }

  // Strings end with a NUL; some writers leave it off the last one.
  text() {
    let value = '';
    while (this.pos < this.end) {
      const byte = this.view.getUint8(this.pos);
      this.pos += 1;
      if (byte === 0) break;
      value += String.fromCharCode(byte);
    }
    return value;
  }
}

function uint64(view, at) {
  const high = view.getUint32(at);
  if (high > 0x1fffff) refuse('a 64-bit value above 2^53');
  return high * 2 ** 32 + view.getUint32(at + 4);
}

/** The boxes between `start` and `end`: `{type, start, body, end}` each. */
function boxes(view, start, end) {
  const found = [];
  let at = start;
  while (at < end) {
    const head = new Cursor(view, at, end);
    let size = head.uint(4);
    const type = head.fourcc();
    if (size === 1) size = head.uint(8);
    else if (size === 0) size = end - at;
    if (type === 'uuid') head.skip(16); // the extended type
    if (size < head.pos - at || at + size > end) {
      refuse(`box ${type} does not fit in its parent`);
    }
    found.push({ type, start: at, body: head.pos, end: at + size });
    at += size;
  }
  return found;
}

const only = (list, type) => {
  const matches = list.filter((box) => box.type === type);
  if (matches.length > 1) refuse(`more than one ${type} box`);
  return matches[0] ?? null;
};

function checkBrand(view, ftyp) {
  if (!ftyp || ftyp.start !== 0) refuse('no ftyp box first');
  const cursor = new Cursor(view, ftyp.body, ftyp.end);
  const brands = [cursor.fourcc()];
  cursor.uint(4); // minor version
  while (cursor.pos + 4 <= cursor.end) brands.push(cursor.fourcc());
  if (!brands.some((brand) => HEIF_BRANDS.has(brand))) refuse('not HEIF');
}

/** Item ids whose bytes are Exif or XMP, from `iinf`. */
function metadataItems(view, iinf) {
  const cursor = new Cursor(view, iinf.body, iinf.end);
  const version = cursor.version();
  const count = cursor.uint(version === 0 ? 2 : 4);
  const entries = boxes(view, cursor.pos, iinf.end);
  if (entries.length !== count) refuse('iinf counts items it does not have');

  const ids = [];
  const seen = new Set();
  for (const entry of entries) {
    if (entry.type !== 'infe') refuse(`${entry.type} inside iinf`);
    const infe = new Cursor(view, entry.body, entry.end);
    const infeVersion = infe.version();
    if (infeVersion < 2) refuse(`item info version ${infeVersion}`);
    const id = infe.uint(infeVersion === 2 ? 2 : 4);
    // Readers disagree on which of two same-id items counts.
    if (seen.has(id)) refuse(`item ${id} described twice`);
    seen.add(id);
    infe.uint(2); // protection index
    const type = infe.fourcc();
    infe.text(); // item name
    const contentType = type === 'mime' ? infe.text() : '';
    if (type === 'Exif' || contentType.trim().toLowerCase().startsWith(XMP)) {
      ids.push(id);
    }
  }
  return ids;
}

// Refuses a count of entries that cannot all fit in what is left of the box,
// before any loop trusts it.
function checkRoom(cursor, count, entrySize, what) {
  if (count * entrySize > cursor.end - cursor.pos) {
    refuse(`iloc lists ${count} ${what}, more than it holds`);
  }
}

/** Where each item's bytes are, from `iloc`: id → {method, extents}. */
function itemLocations(view, iloc) {
  const cursor = new Cursor(view, iloc.body, iloc.end);
  const version = cursor.version();
  if (version > 2) refuse(`iloc version ${version}`);
  const sizes = cursor.uint(1);
  const more = cursor.uint(1);
  const offsetSize = sizes >> 4;
  const lengthSize = sizes & 0xf;
  const baseSize = more >> 4;
  const indexSize = version > 0 ? more & 0xf : 0;
  for (const size of [offsetSize, lengthSize, baseSize, indexSize]) {
    if (![0, 4, 8].includes(size)) refuse(`iloc field size ${size}`);
  }
  // With no length field every extent takes zero bytes, so a few bytes can
  // claim billions of them; and a length of 0 means "unknown" anyway.
  if (lengthSize === 0) refuse('iloc extents without a length');

  const idSize = version < 2 ? 2 : 4;
  const itemSize = idSize + (version > 0 ? 2 : 0) + 2 + baseSize + 2;
  const extentSize = indexSize + offsetSize + lengthSize;
  const locations = new Map();
  const count = cursor.uint(idSize);
  checkRoom(cursor, count, itemSize, 'items');
  for (let i = 0; i < count; i += 1) {
    const id = cursor.uint(idSize);
    const method = version > 0 ? cursor.uint(2) & 0xf : 0;
    const dataReference = cursor.uint(2);
    const base = cursor.uint(baseSize);
    const extents = [];
    const extentCount = cursor.uint(2);
    checkRoom(cursor, extentCount, extentSize, 'extents');
    for (let n = extentCount; n > 0; n -= 1) {
      cursor.uint(indexSize);
      const offset = base + cursor.uint(offsetSize);
      extents.push({ offset, length: cursor.uint(lengthSize) });
    }
    // A reader takes one of the two; wiping the other would leave the
    // metadata in a file said to be clean.
    if (locations.has(id)) refuse(`item ${id} located twice`);
    locations.set(id, { method, dataReference, extents });
  }
  return locations;
}

// A `uuid` box is whatever its 16-byte extended type says, and one of those
// types is XMP (be7acfcb-97a9-42e8-9c71-999491e3afac); vendors define more.
// Telling harmless ones apart would need a list we cannot keep complete, and
// neither test photo has any, so any uuid box inside meta, iprp or ipco (where
// item properties live) makes the photo refused rather than sent unread.
function refuseUuidBoxes(view, inside) {
  const iprp = only(inside, 'iprp');
  const properties = iprp ? boxes(view, iprp.body, iprp.end) : [];
  const ipco = only(properties, 'ipco');
  const nested = ipco ? boxes(view, ipco.body, ipco.end) : [];
  for (const box of [...inside, ...properties, ...nested]) {
    if (box.type === 'uuid') refuse('a uuid box inside meta');
  }
}

function wipeItem(bytes, location, idat) {
  if (location.dataReference !== 0) refuse('metadata kept in another file');
  let region;
  if (location.method === 0) region = { start: 0, end: bytes.length };
  else if (location.method === 1 && idat) {
    region = { start: idat.body, end: idat.end };
  } else refuse(`metadata built by construction method ${location.method}`);

  for (const { offset, length } of location.extents) {
    const start = region.start + offset;
    if (length === 0) refuse('metadata of unknown length');
    if (start + length > region.end) refuse('metadata past its region');
    bytes.fill(0, start, start + length);
  }
}

/**
 * A copy of the HEIF file `source` (a Uint8Array) whose Exif and XMP bytes
 * are zeros, same length. Throws HeifUnsafeError when the file cannot be
 * read well enough to be sure.
 */
export function wipeHeifMetadata(source) {
  const view = new DataView(source.buffer, source.byteOffset, source.length);
  const top = boxes(view, 0, source.length);
  checkBrand(view, top[0]?.type === 'ftyp' ? top[0] : null);
  const unknown = top.find((box) => !TOP_LEVEL.has(box.type));
  if (unknown) refuse(`a top-level ${unknown.type} box`);
  const meta = only(top, 'meta');
  if (!meta) refuse('no meta box');

  const inside = boxes(view, meta.body + 4, meta.end);
  const iinf = only(inside, 'iinf');
  const iloc = only(inside, 'iloc');
  const idat = only(inside, 'idat');
  if (!iinf) refuse('no iinf box');
  refuseUuidBoxes(view, inside);

  const bytes = source.slice();
  const ids = metadataItems(view, iinf);
  const locations = ids.length && iloc ? itemLocations(view, iloc) : new Map();
  for (const id of ids) {
    const location = locations.get(id);
    if (!location) refuse(`metadata item ${id} has no location`);
    wipeItem(bytes, location, idat);
  }
  for (const box of inside) {
    if (box.type === 'xml ' || box.type === 'bxml') {
      bytes.fill(0, Math.min(box.body + 4, box.end), box.end);
    }
  }
  return bytes;
}
