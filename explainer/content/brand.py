"""A newsroom's brand on the default theme: accent colours, a logo, a font stack and a footer.

Colours are checked and made with coloraide (WCAG 2.x contrast, OKLCH lightness); the logo is
read, checked and sized with Pillow, and written as a PNG of its own, so nothing of the file the
editor gave (metadata, other frames, scripts an SVG might hold) reaches the site.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

# The default theme's colours (templates/_partials/style.css): the backgrounds links sit on.
LIGHT_BACKGROUNDS = (("light page background", "#ffffff"), ("light card background", "#f5f6f8"))
DARK_BACKGROUNDS = (("dark page background", "#121417"), ("dark card background", "#1d2127"))
DEFAULT_ACCENT = "#0b5cad"
DEFAULT_ACCENT_DARK = "#8cc4ff"
DEFAULT_FONT = 'system-ui,-apple-system,"Segoe UI",Roboto,sans-serif'
# Link text is text: WCAG 2.2 AA asks 4.5:1 of it against what it sits on (1.4.3).
TEXT_CONTRAST = 4.5

LOGO_HEIGHT = 40  # pixels, as the masthead shows it
LOGO_MAX_WIDTH = 240
LOGO_SCALE = 2  # drawn at twice that, for high-density screens
LOGO_FORMATS = frozenset({"PNG", "JPEG", "WEBP", "GIF"})
LOGO_MAX_BYTES = 5_000_000
LOGO_MAX_PIXELS = 40_000_000


@cache
def _color() -> Any:
    # Imported once a site sets a brand colour: it costs a build without one 70 ms.
    from coloraide import Color

    return Color


def hex_colour(value: str) -> str:
    """A colour as #rrggbb."""
    return _color()(value).to_string(hex=True, compress=False)


def contrast_failure(colour: str, backgrounds: tuple[tuple[str, str], ...]) -> str | None:
    """Why a link colour fails WCAG AA on the theme's backgrounds, naming the worst pair; None if it passes."""
    worst = min(((_color()(colour).contrast(bg), where, bg) for where, bg in backgrounds), key=lambda t: t[0])
    ratio, where, background = worst
    if ratio >= TEXT_CONTRAST:
        return None
    darker = "darker" if backgrounds is LIGHT_BACKGROUNDS else "lighter"
    return (f"{colour} has a contrast of {ratio:.1f}:1 on the {where} ({background}); link text needs at least "
            f"{TEXT_CONTRAST}:1 (WCAG 2.2 AA): choose a {darker} colour")


def for_dark(accent: str) -> str:
    """A colour for dark pages made from a light page's accent: the same hue, lighter until it reads."""
    colour = _color()(accent).convert("oklch")
    while contrast_failure(colour.convert("srgb").to_string(hex=True, compress=False), DARK_BACKGROUNDS) and colour["lightness"] < 1:
        colour["lightness"] = min(1.0, colour["lightness"] + 0.02)
    return colour.convert("srgb").fit("srgb").to_string(hex=True, compress=False)


@dataclass(frozen=True, slots=True)
class Logo:
    """The logo as the site serves it: a PNG, and the size the masthead shows it at."""

    png: bytes
    width: int
    height: int


def logo_problem(data: bytes) -> str | None:
    """What is wrong with a logo file, in an editor's words; None if it can be used.

    Its size in pixels is read from its header before any pixel is decoded: Pillow's own guard
    against decompression bombs (a warning, then an error, for headers claiming far more pixels
    than LOGO_MAX_PIXELS) is part of that check. Then it is decoded, as the site will use it, so a
    file cut short is found here, at its line in the site file, and not while the site is written."""
    import warnings

    from PIL import Image, UnidentifiedImageError

    # Its size in bytes was judged before it was read (load.read_logo reads at most LOGO_MAX_BYTES).
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format not in LOGO_FORMATS:
                    return f"is a {image.format} image; a logo must be a PNG, JPEG, WebP or GIF"
                if image.width * image.height > LOGO_MAX_PIXELS:
                    return f"is {image.width} by {image.height} pixels; a logo needs far fewer (at most {LOGO_MAX_PIXELS:,} pixels)"
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return f"says it is larger than {LOGO_MAX_PIXELS:,} pixels; a logo needs far fewer"
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return "is not an image a browser shows: save it as a PNG, JPEG, WebP or GIF"
    try:
        make_logo(data)
    except (OSError, SyntaxError, ValueError, EOFError):
        return "is cut short or damaged, and cannot be drawn: save it again as a PNG, JPEG, WebP or GIF"
    return None


@lru_cache(maxsize=1)
def make_logo(data: bytes) -> Logo:
    """The logo sized for the masthead: at most LOGO_HEIGHT high and LOGO_MAX_WIDTH wide, drawn at
    twice that, as a PNG with nothing but its pixels. The file must have passed logo_problem's
    header checks; it is decoded once (logo_problem's call is kept for the site's)."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        image.seek(0)
        picture = image.convert("RGBA")
    picture.thumbnail((LOGO_MAX_WIDTH * LOGO_SCALE, LOGO_HEIGHT * LOGO_SCALE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    picture.save(out, format="PNG", optimize=True)
    width, height = picture.size
    shown = min(LOGO_HEIGHT, max(1, round(height / LOGO_SCALE)))
    return Logo(out.getvalue(), max(1, round(width * shown / height)), shown)
