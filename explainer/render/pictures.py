"""Stage 5, for pictures: each file of a picture, one width in one format, made with Pillow.

A picture is read again (content/pictures.py checks its bytes are those judged), turned upright
as its EXIF orientation says, put in sRGB when it carries another colour profile, and reduced to
the widest size a page shows, once per picture however many files are made of it. Each file then
holds nothing but its pixels: no EXIF (which may say where a photograph was taken), no comments,
no profile. AVIF and WebP are made where this Pillow writes them, beside a JPEG (or, for a picture
with transparency, a PNG) that every browser shows. The files are the same bytes every build.
"""

from __future__ import annotations

import io
import math
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageCms, ImageOps

from explainer.content.pictures import WIDTHS, Picture, read_picture_bytes
from explainer.plan.pages import Page

# How each format is written, each at about the same fidelity (a PSNR near 41.7 dB on a
# photograph-like picture at 1,440 pixels). Most browsers take the AVIF, the smallest (about 27 KB
# there, against 31 KB of WebP and 104 KB of JPEG), so it gets the slower, better speed; the
# others are fallbacks, written quickly (WebP's method 2 takes a third of method 4's time for 7%
# more bytes; an optimized JPEG, seven times a plain one's for 10% fewer). One thread each: the
# build already runs one process per core. Changing these changes the files: change RECIPE too.
SAVE = {
    "avif": ("AVIF", {"quality": 50, "speed": 8, "max_threads": 1}),
    "webp": ("WEBP", {"quality": 80, "method": 2}),
    "jpg": ("JPEG", {"quality": 82}),
    "png": ("PNG", {"compress_level": 6}),
}


def _srgb(image: Image.Image) -> Image.Image:
    """The picture's pixels in sRGB, as browsers show a picture with no profile."""
    profile = image.info.get("icc_profile")
    if not profile:
        return image
    mode = "RGBA" if "A" in image.getbands() else "RGB"
    # The profile describes the pixels as they are (CMYK, grey, RGB): they are converted from it as they are.
    source = image if image.mode in ("RGB", "RGBA", "CMYK", "L") else image.convert(mode)
    try:
        return ImageCms.profileToProfile(source, ImageCms.ImageCmsProfile(io.BytesIO(profile)), ImageCms.createProfile("sRGB"), outputMode=mode)
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image  # a profile that cannot be read: the pixels as they are


@lru_cache(maxsize=1)
def upright(root: Path, picture: Picture, width: int = WIDTHS[-1]) -> Image.Image:
    """The picture turned upright, in sRGB, RGB (RGBA with transparency), at most `width` wide.

    Kept for the next call: an explainer's turn makes all of a picture's files, and its social
    images, one after another, and decodes it once.
    """
    with Image.open(io.BytesIO(read_picture_bytes(root, picture))) as opened:
        if opened.format in ("JPEG", "MPO") and picture.width > width:
            # Decoded at a half, a quarter or an eighth of its size, where that is still as wide as needed.
            scale = width / picture.width
            opened.draft("RGB", (math.ceil(opened.width * scale), math.ceil(opened.height * scale)))
        opened.seek(0)
        image = _srgb(ImageOps.exif_transpose(opened))
        image = image.convert("RGBA" if picture.alpha else "RGB")
    if image.width > width:
        image = image.resize((width, max(1, round(image.height * width / image.width))), Image.Resampling.LANCZOS, reducing_gap=3.0)
    return image


def render_picture_file(page: Page) -> bytes:
    """One file of a picture: the width and format its page names, nothing but the pixels."""
    picture: Picture = page.context["picture"]
    width, fmt = page.context["width"], page.context["format"]
    image = upright(page.context["root"], picture)
    if image.width != width:
        image = image.resize((width, picture.height_at(width)), Image.Resampling.LANCZOS, reducing_gap=3.0)
    kind, options = SAVE[fmt]
    out = io.BytesIO()
    image.save(out, format=kind, **options)
    return out.getvalue()
