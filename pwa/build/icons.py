"""Draw the app icons: a white map pin on the brand blue.

Run with any Python that has Pillow: python build/icons.py
The PNGs are committed, so a normal build does not need Python.
"""

from pathlib import Path

from PIL import Image, ImageDraw

BLUE = (11, 92, 173, 255)
WHITE = (255, 255, 255, 255)
OUT = Path(__file__).resolve().parent.parent / "public" / "icons"


def draw(size: int, maskable: bool) -> Image.Image:
    scale = 4  # draw large, then shrink, for smooth edges
    s = size * scale
    image = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)

    if maskable:
        pen.rectangle((0, 0, s, s), fill=BLUE)
        zone = 0.5  # the pin fits in the central safe zone
    else:
        pen.rounded_rectangle((0, 0, s - 1, s - 1), radius=s // 5, fill=BLUE)
        zone = 0.62

    r = s * zone / 3.2
    cx, cy = s / 2, s / 2 - r * 0.45
    pen.ellipse((cx - r, cy - r, cx + r, cy + r), fill=WHITE)
    pen.polygon([(cx - r * 0.87, cy + r * 0.5), (cx + r * 0.87, cy + r * 0.5), (cx, cy + r * 2.1)], fill=WHITE)
    hole = r * 0.42
    pen.ellipse((cx - hole, cy - hole, cx + hole, cy + hole), fill=BLUE)
    return image.resize((size, size), Image.LANCZOS)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    draw(192, False).save(OUT / "icon-192.png", optimize=True)
    draw(512, False).save(OUT / "icon-512.png", optimize=True)
    draw(512, True).save(OUT / "icon-maskable-512.png", optimize=True)


if __name__ == "__main__":
    main()
