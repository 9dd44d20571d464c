"""Scanning answer sheets (`factdeck scan`): photos and scanner PDFs in, one row per sheet out.

Needs the optional extra `pip install 'factdeck[scan]'` (OpenCV, pypdfium2, Pillow through matplotlib);
`require()` turns its absence into one line saying so. The modules: inputs.py (files to page images, with
limits against decompression bombs), read.py (one image to a reading: markers, QR code, bubbles) and
store.py (readings to the results folder's responses.csv, one row per sheet, re-scans replacing).
"""

from __future__ import annotations

from factdeck.exceptions import FactdeckError

EXTRA_HINT = "install the scanning extra: pip install 'factdeck[scan]'"


def require() -> None:
    """Raise FactdeckError (one line) unless OpenCV, pypdfium2 and Pillow can be imported."""
    missing = []
    for module, name in (("cv2", "opencv-python-headless"), ("pypdfium2", "pypdfium2"), ("PIL", "Pillow")):
        try:
            __import__(module)
        except ImportError:
            missing.append(name)
    if missing:
        raise FactdeckError(f"scanning needs {', '.join(missing)}: {EXTRA_HINT}")
