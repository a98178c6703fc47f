"""Residents' complaint photos: at most three, JPEG, PNG or WebP told by their content, each under a
size limit (``OPENGPS_MAX_RESIDENT_PHOTO_BYTES``), decoded and re-encoded without their metadata so
that the place and time a phone writes into a photo (EXIF GPS, camera serial) never reach the
platform. The photos are kept in the database beside the complaint and served only to the staff
who answer it and to the platform's administrators (`views.photo`), never on a public page."""

from __future__ import annotations

import io
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from PIL import Image, ImageOps, UnidentifiedImageError

from opengps.core.errors import ServiceError
from opengps.core.uploads import CheckedUpload, UploadRefusals, checked_upload, display_name
from opengps.residents.errors import Code

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
MAX_PHOTOS = 3
MAX_PIXELS = 40_000_000
"""A phone's photo has 12–50 megapixels; more is refused before it is decoded (a decompression bomb
would take the worker's memory)."""
MAX_SIDE = 2560
"""Kept photos are scaled down to this longest side: enough to see what went wrong, and small."""
CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
_EXTENSIONS = {"jpg": "jpg", "jpeg": "jpg", "png": "png", "webp": "webp"}
_PIL_FORMAT = {"jpg": "JPEG", "png": "PNG", "webp": "WEBP"}
_OPTIONS: dict[str, dict[str, int | bool]] = {
    "jpg": {"quality": 85},
    "png": {"optimize": True},
    "webp": {"quality": 80},
}
_MODES = {"jpg": ("L", "RGB", "CMYK"), "png": ("1", "L", "LA", "P", "RGB", "RGBA"), "webp": ("RGB", "RGBA")}
REFUSALS = UploadRefusals(
    Code.RESIDENTS_PHOTO_EMPTY,
    Code.RESIDENTS_PHOTO_TOO_LARGE,
    Code.RESIDENTS_PHOTO_TYPE,
    Code.RESIDENTS_PHOTO_TYPE.message,
)


@dataclass(frozen=True)
class Photo:
    """A photo as uploaded: its file name and bytes."""

    name: str
    content: bytes


def max_bytes() -> int:
    """``OPENGPS_MAX_RESIDENT_PHOTO_BYTES`` (default 5 MB): the largest photo accepted."""
    return int(getattr(settings, "OPENGPS_MAX_RESIDENT_PHOTO_BYTES", DEFAULT_MAX_BYTES))


def _is_webp(content: bytes) -> bool:
    return content[:4] == b"RIFF" and content[8:12] == b"WEBP"


def _checked(photo: Photo) -> CheckedUpload:
    """`checked_upload` for JPEG and PNG; it does not know WebP, which is told here by the same
    rules (empty, size, content agreeing with the extension)."""
    name = display_name(photo.name)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if _is_webp(photo.content) and extension == "webp" and len(photo.content) <= max_bytes():
        return CheckedUpload(name, "webp", photo.content)
    return checked_upload(
        photo.name,
        photo.content,
        extensions=_EXTENSIONS,
        limit=max_bytes(),
        refusals=REFUSALS,
        field="photos",
    )


def _stripped(checked: CheckedUpload) -> bytes:
    """The image decoded and written again in its own format, upright (the EXIF orientation
    applied), at most `MAX_SIDE` wide or high, with no metadata: no EXIF, XMP, ICC or text chunks."""
    params = {"name": checked.name}
    too_many = ServiceError(
        Code.RESIDENTS_PHOTO_PIXELS, field="photos", params={**params, "max": MAX_PIXELS // 10_000}
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(checked.content), formats=[_PIL_FORMAT[checked.kind]]) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise too_many
                image.load()
                upright = ImageOps.exif_transpose(image)
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise too_many from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise ServiceError(Code.RESIDENTS_PHOTO_UNREADABLE, field="photos", params=params) from None
    upright.thumbnail((MAX_SIDE, MAX_SIDE))
    if upright.mode not in _MODES[checked.kind]:
        upright = upright.convert("RGBA" if checked.kind == "webp" else "RGB")
    upright.info = {}  # nothing of the original's metadata (EXIF, XMP, ICC, PNG text) is written again
    out = io.BytesIO()
    upright.save(out, _PIL_FORMAT[checked.kind], **_OPTIONS[checked.kind])
    return out.getvalue()


@dataclass(frozen=True)
class KeptPhoto:
    """A photo ready to keep: its display name, kind and metadata-free bytes."""

    name: str
    kind: str
    content: bytes


def check_photos(photos: Sequence[Photo]) -> list[KeptPhoto]:
    """Every photo checked and stripped, or the first refusal (nothing is kept then): more than
    `MAX_PHOTOS`, empty, too large, not a JPEG/PNG/WebP by its content (or not the kind its
    extension says), too many pixels, or undecodable."""
    if len(photos) > MAX_PHOTOS:
        raise ServiceError(
            Code.RESIDENTS_PHOTOS_TOO_MANY, field="photos", params={"max": MAX_PHOTOS, "n": len(photos)}
        )
    kept = []
    for photo in photos:
        checked = _checked(photo)
        kept.append(KeptPhoto(checked.name, checked.kind, _stripped(checked)))
    return kept
