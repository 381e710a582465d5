"""Render the app icon (resources/icons/tickerdesk.svg) to PNGs at the freedesktop sizes, and to .ico and
.icns where this Qt build can write them.

Usage: python installer/make_icons.py [--out DIR]   (default: resources/icons; .ico/.icns go to --out too)
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "resources" / "icons" / "tickerdesk.svg"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=SOURCE.parent)
    parser.add_argument("--platform-icons", action="store_true", help="also write tickerdesk.ico / .icns if possible")
    args = parser.parse_args(argv)

    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QImageWriter, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(SOURCE))
    if not renderer.isValid():
        print(f"cannot read {SOURCE}", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    images = {}
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        image.save(str(args.out / f"tickerdesk-{size}.png"))
        images[size] = image
    written = [f"{len(SIZES)} PNGs"]
    if args.platform_icons:
        formats = {bytes(f).decode() for f in QImageWriter.supportedImageFormats()}
        for fmt, size in (("ico", 256), ("icns", 512)):
            if fmt in formats and images[size].save(str(args.out / f"tickerdesk.{fmt}"), fmt):
                written.append(f"tickerdesk.{fmt}")
            else:
                written.append(f"no .{fmt} (this Qt cannot write it)")
    print(f"icons: {', '.join(written)} in {args.out}")
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
