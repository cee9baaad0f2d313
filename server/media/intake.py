"""Photo intake: check, turn upright, strip metadata, resize. No IO beyond bytes.

Only pixels leave this module: every output is re-encoded from decoded pixels, so no
EXIF (GPS first of all), XMP, maker notes or ICC profile of the upload survives.
"""

from __future__ import annotations

import io
import struct
import warnings
from dataclasses import dataclass

import pillow_heif
from PIL import Image, ImageOps, UnidentifiedImageError

pillow_heif.register_heif_opener()

ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "HEIF")
DISPLAY_EDGE = 1600
THUMB_EDGE = 400
JPEG_QUALITY = 82


class IntakeError(Exception):
    """Why an upload is refused; ``code`` is the API error code."""

    def __init__(self, code: str, params: dict[str, object] | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.params = params or {}


@dataclass(frozen=True)
class ProcessedPhoto:
    source_format: str
    width: int  # upright, of the original
    height: int
    display_jpeg: bytes
    thumb_jpeg: bytes


def process_photo(data: bytes, max_pixels: int) -> ProcessedPhoto:
    """Decode an uploaded photo and make its display and thumbnail JPEGs."""
    try:
        with warnings.catch_warnings():
            # Pillow warns before it refuses; a warning must refuse too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        if isinstance(error, UnidentifiedImageError):
            raise IntakeError("media.unsupported_type") from error
        raise IntakeError("media.too_many_pixels", {"max_pixels": max_pixels}) from error

    with image:
        source_format = image.format or "unknown"
        forget_unreadable_exif(image)
        if image.width * image.height > max_pixels:
            raise IntakeError(
                "media.too_many_pixels",
                {"max_pixels": max_pixels, "pixels": image.width * image.height},
            )
        width, height = upright_size(image)
        if source_format == "JPEG":
            # Decode at a reduced scale when the output is smaller anyway: several
            # times faster and lighter on memory for 12-megapixel phone photos.
            image.draft("RGB", (DISPLAY_EDGE, DISPLAY_EDGE))
        try:
            image.load()
        except (OSError, SyntaxError, ValueError) as error:
            raise IntakeError("media.corrupt") from error

        # pillow-heif already applies the HEIF rotation and reports orientation 1,
        # so this turns HEIC photos only once; JPEGs are turned by their EXIF tag.
        upright = ImageOps.exif_transpose(image)
        rgb = flatten(upright)
        display = encode_jpeg(rgb, DISPLAY_EDGE)
        thumb = encode_jpeg(rgb, THUMB_EDGE)
    return ProcessedPhoto(source_format, width, height, display, thumb)


def forget_unreadable_exif(image: Image.Image) -> None:
    """Treat an Exif block Pillow cannot parse as no Exif at all.

    The PWA zeroes the Exif of a HEIC photo it cannot decode, keeping its length so
    the file's offsets hold; zeros, like a damaged block, say nothing worth keeping.
    The photo's turn is not lost: for HEIF it lives in the irot and imir properties,
    which pillow-heif applies while decoding.
    """
    try:
        image.getexif()
    except (SyntaxError, ValueError, struct.error):
        image.info.pop("exif", None)
        # Pillow caches the half-read block; the next getexif must start afresh.
        image._exif = None


def upright_size(image: Image.Image) -> tuple[int, int]:
    """The original's size once upright (call before any reduced-scale decode)."""
    width, height = image.size
    orientation = image.getexif().get(0x0112, 1)
    if orientation in (5, 6, 7, 8):
        return height, width
    return width, height


def flatten(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA", "P"):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def encode_jpeg(image: Image.Image, edge: int) -> bytes:
    copy = image.copy()
    copy.thumbnail((edge, edge), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    # No exif=, icc_profile= or xmp= argument: the output carries pixels only.
    copy.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return out.getvalue()
