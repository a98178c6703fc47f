"""Complaint photos: up to three JPEG, PNG or WebP images told by their content, each under the size
limit (a setting); a file disguised by its extension, an oversized one, a fourth one, an empty, a
broken or a giant one are refused beside the field with a specific message and nothing is kept; a
kept photo has lost its EXIF (the phone's GPS position) and is served only to the staff answering the
complaint and to administrators — never to the public, the tracking page included."""

from __future__ import annotations

import io
import struct
import zlib
from typing import Any

import pytest
from django.test import Client
from PIL import Image

from opengps.core.errors import ServiceError
from opengps.core.models import AuditEvent
from opengps.residents import photos, services
from opengps.residents.models import Feedback, FeedbackPhoto

pytestmark = pytest.mark.django_db

CAMERA = "PhoneMaker X1"


def image(fmt: str = "JPEG", size: tuple[int, int] = (64, 48), mode: str = "RGB") -> bytes:
    """An image with EXIF: the camera, the orientation (rotated 90°) and a GPS position."""
    exif = Image.Exif()
    exif[0x010F] = CAMERA
    exif[0x0112] = 6
    exif[0x8825] = {1: "N", 2: (28.0, 12.0, 30.0), 3: "E", 4: (112.0, 58.0, 10.0)}
    out = io.BytesIO()
    Image.new(mode, size, "red" if mode == "RGB" else 0).save(out, fmt, exif=exif.tobytes())
    return out.getvalue()


def giant(side: int) -> bytes:
    """A small PNG whose header claims `side` × `side` pixels (a decompression bomb's shape)."""
    small = image("PNG", size=(8, 8))
    header = b"IHDR" + struct.pack(">II", side, side) + small[24:29]
    return small[:8] + struct.pack(">I", 13) + header + struct.pack(">I", zlib.crc32(header)) + small[33:]


def upload(name: str, content: bytes) -> io.BytesIO:
    file = io.BytesIO(content)
    file.name = name
    return file


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _file(client: Client, contract: Any, *files: io.BytesIO) -> Any:
    return client.post(
        f"/residents/services/contract/{contract.pk}/file",
        {"kind": "complaint", "text": "楼道里的扶手坏了没人修", "photos": list(files)},
    )


def test_photos_are_kept_without_their_metadata(client: Client, contract: Any) -> None:
    # when a resident files a complaint with a JPEG, a PNG and a WebP photo
    sent = [
        upload("楼道.JPG", image("JPEG")),
        upload("扶手.png", image("PNG")),
        upload("门口.webp", image("WEBP")),
    ]
    answer = _file(client, contract, *sent)
    # then the complaint keeps three photos, upright, with no EXIF left
    assert answer.status_code == 302
    item = Feedback.objects.get()
    kept = list(item.photos.order_by("pk"))
    assert [(p.name, p.kind) for p in kept] == [
        ("楼道.JPG", "jpg"),
        ("扶手.png", "png"),
        ("门口.webp", "webp"),
    ]
    for photo in kept:
        content = bytes(photo.content)
        decoded = Image.open(io.BytesIO(content))
        assert decoded.size == (48, 64)  # the orientation was applied, then dropped
        assert dict(decoded.getexif()) == {}
        assert CAMERA.encode() not in content and photo.size == len(content)
    event = AuditEvent.objects.get(action="resident_feedback.filed")
    assert event.new_values["photos"] == 3


@pytest.mark.parametrize(
    ("name", "content", "code", "message"),
    [
        ("发票.jpg", b"%PDF-1.7 not a photo", "residents.photo_type", "“发票.jpg”不是照片"),
        ("图.png", image("JPEG"), "residents.photo_type", "只接受 JPG、PNG、WebP"),
        ("图.webp", image("PNG"), "residents.photo_type", "扩展名须与内容一致"),
        ("动图.gif", b"GIF89a" + b"\0" * 40, "residents.photo_type", "“动图.gif”不是照片"),
        ("空.jpg", b"", "residents.photo_empty", "照片“空.jpg”是空文件"),
        ("坏.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 64, "residents.photo_unreadable", "照片“坏.jpg”无法打开"),
        (
            "巨大.png",
            image("PNG", size=(10_000, 5_000), mode="1"),
            "residents.photo_pixels",
            "不超过 4000 万像素",
        ),
        ("炸弹.png", giant(10_000), "residents.photo_pixels", "照片“炸弹.png”的像素过多"),
        ("大炸弹.png", giant(20_000), "residents.photo_pixels", "照片“大炸弹.png”的像素过多"),
    ],
)
def test_a_photo_that_is_not_one_is_refused_with_its_reason(
    name: str, content: bytes, code: str, message: str
) -> None:
    with pytest.raises(ServiceError) as caught:
        photos.check_photos([photos.Photo(name, content)])
    assert caught.value.code == code and caught.value.field == "photos"
    assert message in caught.value.text()


def test_a_photo_over_the_size_limit_is_refused(settings: Any) -> None:
    settings.OPENGPS_MAX_RESIDENT_PHOTO_BYTES = 1024 * 1024
    big = image("PNG", size=(1200, 1200))
    noisy = big + b"\0" * (1024 * 1024)  # trailing bytes past the image: over the limit all the same
    with pytest.raises(ServiceError) as caught:
        photos.check_photos([photos.Photo("大.png", noisy)])
    assert caught.value.code == "residents.photo_too_large"
    assert caught.value.text() == "文件“大.png”超过大小上限 1 MB"
    webp = image("WEBP") + b"\0" * (1024 * 1024)
    with pytest.raises(ServiceError) as caught:
        photos.check_photos([photos.Photo("大.webp", webp)])
    assert caught.value.code == "residents.photo_too_large"


def test_refused_photos_are_shown_beside_the_field_and_nothing_is_filed(
    client: Client, contract: Any, settings: Any
) -> None:
    # four photos
    four = [upload(f"{n}.jpg", image()) for n in range(4)]
    answer = _file(client, contract, *four)
    assert answer.status_code == 400
    assert "最多上传 3 张照片，您选了 4 张" in answer.content.decode()
    assert 'id="file-photos-error"' in answer.content.decode()
    # a text file renamed to .jpg
    answer = _file(client, contract, upload("照片.jpg", "我是文字".encode()))
    assert answer.status_code == 400 and "“照片.jpg”不是照片" in answer.content.decode()
    # one too large
    settings.OPENGPS_MAX_RESIDENT_PHOTO_BYTES = 2000
    answer = _file(client, contract, upload("大.png", image("PNG", size=(400, 400)) + b"\0" * 4000))
    assert answer.status_code == 400 and "超过大小上限" in answer.content.decode()
    assert Feedback.objects.count() == 0 and FeedbackPhoto.objects.count() == 0
    assert not AuditEvent.objects.filter(action="resident_feedback.filed").exists()


def test_a_photo_is_never_public(
    client: Client, contract: Any, purchaser: Any, finance: Any, admin_user: Any, make_user: Any
) -> None:
    # given a complaint with a photo
    _file(client, contract, upload("楼道.jpg", image()))
    item = Feedback.objects.get()
    photo = item.photos.get()
    url = f"/residents/inbox/{item.pk}/photos/{photo.pk}"
    # then the tracking page does not show or link it, and the public is sent to sign in
    tracked = client.get("/residents/track/", {"tracking": item.tracking}).content.decode()
    assert "/photos/" not in tracked and "<img" not in tracked
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]
    # and officials who do not answer it get "not found", like a photo that does not exist
    other = make_user("purchaser", unit="cs_civil")
    assert login(other).get(url).status_code == 404
    assert login(finance).get(url).status_code == 404  # not escalated to them
    assert login(purchaser).get(f"/residents/inbox/{item.pk}/photos/{photo.pk + 1}").status_code == 404
    # while the purchasing unit's staff and an administrator see it, private and uncached
    for user in (purchaser, admin_user):
        seen = login(user).get(url)
        assert seen.status_code == 200 and seen["Content-Type"] == "image/jpeg"
        assert seen["X-Content-Type-Options"] == "nosniff" and seen["Cache-Control"] == "private, no-store"
        assert seen.content == bytes(photo.content)
    inbox = login(purchaser).get("/residents/inbox/").content.decode()
    assert f'src="{url}"' in inbox


def test_the_service_refuses_too_many_photos_before_reading_them(contract: Any) -> None:
    with pytest.raises(ServiceError) as caught:
        services.feedback_file(
            source="contract",
            pk=contract.pk,
            kind="complaint",
            text="扶手坏了",
            client="10.0.0.9",
            photos=[photos.Photo(f"{n}.jpg", b"") for n in range(4)],
        )
    assert caught.value.code == "residents.photos_too_many"
    assert caught.value.params == {"max": 3, "n": 4}
