"""The PDQ perceptual hash of an image, for a caseworker to submit to a hash-matching service.

PDQ is the hash StopNCII computes for images: 256 bits that stay nearly the same when an image is
resized, recompressed or lightly edited, so platforms can find copies without ever receiving the
image. The hash is computed by ``pdqhash`` (bindings to Meta's reference implementation); this
module only decodes the image safely with Pillow and formats the result.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import numpy
import pdqhash
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

# Larger images are refused before they are decoded (a small file can declare a huge picture).
MAX_PIXELS = 50_000_000
# Below this quality Meta's guidance is to not rely on the hash (flat or nearly empty images).
RELIABLE_QUALITY = 50


class ImageNotHashable(ValueError):
    """The bytes are not an image that can be hashed; ``message`` is a translated sentence."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class PdqHash:
    hex: str  # 64 hexadecimal characters, the form hash lists and services exchange
    quality: int  # 0 to 100

    @property
    def is_reliable(self) -> bool:
        return self.quality >= RELIABLE_QUALITY


def compute_pdq(image_bytes: bytes) -> PdqHash:
    """The PDQ hash of an image. Steps: decode within a pixel limit, turn upright, RGB, hash, format."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(image_bytes))
            if image.width * image.height > MAX_PIXELS:
                raise ImageNotHashable(str(_("This image is too large to hash. Use a smaller copy of it.")))
            image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        if isinstance(error, ImageNotHashable):
            raise
        raise ImageNotHashable(str(_("This file is not an image that can be read."))) from error
    except Image.DecompressionBombWarning as error:
        raise ImageNotHashable(str(_("This image is too large to hash. Use a smaller copy of it."))) from error
    # The photo as it is seen, not as the camera stored it: the hash must match what is shared.
    upright = ImageOps.exif_transpose(image).convert("RGB")
    vector, quality = pdqhash.compute(numpy.asarray(upright))
    bits = "".join("1" if bit else "0" for bit in vector)
    return PdqHash(hex=f"{int(bits, 2):064x}", quality=int(quality))
