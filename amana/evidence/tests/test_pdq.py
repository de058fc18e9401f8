from __future__ import annotations

import io

import pytest
from django.utils import translation
from PIL import Image, ImageDraw

from amana.evidence.pdq import ImageNotHashable, compute_pdq


def picture(size: tuple[int, int] = (320, 240), *, seed: int = 0) -> Image.Image:
    """A fictional picture with shapes, so that the hash has something to describe."""
    image = Image.new("RGB", size, (240, 230, 210))
    draw = ImageDraw.Draw(image)
    width, height = size
    for step in range(10):
        shade = (seed * 37 + step * 21) % 255
        margin = step * min(width, height) // 22
        box = [margin + seed * 7, margin, width - margin, height - margin - seed * 5]
        draw.ellipse(box, outline=(shade, 255 - shade, (shade * 3) % 255), width=5)
    draw.rectangle([width // 10, height // 2, width // 3, height - 10], fill=(20, 40 + seed * 50 % 200, 90))
    return image


def encoded(image: Image.Image, format: str = "PNG", **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=format, **options)
    return buffer.getvalue()


def distance(first: str, second: str) -> int:
    return (int(first, 16) ^ int(second, 16)).bit_count()


def test_it_computes_a_256_bit_hash_that_survives_resizing_and_recompression() -> None:
    original = compute_pdq(encoded(picture()))
    assert len(original.hex) == 64
    assert original.is_reliable
    resized = compute_pdq(encoded(picture().resize((160, 120)), "JPEG", quality=60))
    assert distance(original.hex, resized.hex) <= 31  # PDQ's usual threshold for "the same image"
    other = compute_pdq(encoded(picture(seed=3).transpose(Image.Transpose.FLIP_LEFT_RIGHT)))
    assert distance(original.hex, other.hex) > 31


def test_it_hashes_the_photo_the_way_it_is_seen() -> None:
    upright = picture()
    stored_sideways = upright.rotate(90, expand=True)
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: turn 90 degrees clockwise to display, as phone cameras write it
    sideways = encoded(stored_sideways, "JPEG", quality=95, exif=exif.tobytes())
    upright_hash = compute_pdq(encoded(upright, "JPEG", quality=95)).hex
    assert distance(compute_pdq(sideways).hex, upright_hash) <= 16
    assert distance(compute_pdq(encoded(stored_sideways, "JPEG", quality=95)).hex, upright_hash) > 31


def test_it_says_when_a_hash_is_not_reliable() -> None:
    assert not compute_pdq(encoded(Image.new("RGB", (200, 200), (128, 128, 128)))).is_reliable


@pytest.mark.parametrize("data", [b"", b"not an image", b"\x89PNG\r\n\x1a\n broken"])
def test_it_refuses_what_is_not_an_image_with_a_translated_message(data: bytes) -> None:
    with translation.override("ar"), pytest.raises(ImageNotHashable) as raised:
        compute_pdq(data)
    assert "صورة" in raised.value.message


def test_it_refuses_a_huge_image_before_decoding_it() -> None:
    # A few kilobytes of PNG that declare 10,000 x 10,000 pixels.
    data = encoded(Image.new("1", (10_000, 10_000)), "PNG", optimize=True)
    assert len(data) < 100_000
    with pytest.raises(ImageNotHashable):
        compute_pdq(data)
