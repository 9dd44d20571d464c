"""Synthetic answer sheets for the scanning tests: a rendered sheet page filled in (cleanly, faintly, doubly,
crossed out) and photographed (perspective, rotation, blur, noise, a shadow), from a seeded generator."""

from __future__ import annotations

import math
import random
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium

DPI = 150
PX = DPI / 25.4  # pixels per mm of the rendered page


def render_pages(pdf: Path, dpi: int = DPI) -> list[np.ndarray]:
    """Each page of a PDF as a grey image."""
    document = pdfium.PdfDocument(str(pdf))
    try:
        pages = [page.render(scale=dpi / 72, grayscale=True).to_numpy() for page in document]
        return [np.ascontiguousarray(p[..., 0] if p.ndim == 3 else p) for p in pages]
    finally:
        document.close()


def fill(image: np.ndarray, centre: tuple[float, float], radius_mm: float, how: str, rng: random.Random) -> None:
    """Mark one bubble: "clean" (a dark, slightly uneven dot), "faint" (light pencil), "cross" (an X)."""
    cx, cy = centre[0] * PX, centre[1] * PX
    r = radius_mm * PX
    jitter = lambda: rng.uniform(-0.08, 0.08) * r  # noqa: E731
    if how == "clean":
        cv2.circle(
            image, (int(cx + jitter()), int(cy + jitter())), int(r * rng.uniform(0.85, 1.0)), rng.randint(15, 60), -1
        )
    elif how == "faint":
        cv2.circle(image, (int(cx), int(cy)), int(r * 0.9), rng.randint(175, 195), -1)
    elif how == "cross":
        width = max(1, int(r * 0.22))
        d = r * 0.85
        cv2.line(image, (int(cx - d), int(cy - d)), (int(cx + d), int(cy + d)), 30, width)
        cv2.line(image, (int(cx - d), int(cy + d)), (int(cx + d), int(cy - d)), 30, width)
    else:
        raise ValueError(how)


def photograph(image: np.ndarray, rng: random.Random, angle: float | None = None) -> np.ndarray:
    """The page as a phone might photograph it: on a darker table, in perspective, turned up to 15 degrees,
    a little blurred, noisy, with a shadow across it."""
    h, w = image.shape
    pad = int(0.12 * max(h, w))
    canvas_w, canvas_h = w + 2 * pad, h + 2 * pad
    angle = rng.uniform(-15, 15) if angle is None else angle
    a = math.radians(angle)
    corners = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32) - [w / 2, h / 2]
    rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    scale = 0.82
    moved = corners @ rot.T * scale + [canvas_w / 2, canvas_h / 2]
    moved += np.array([[rng.uniform(-0.03, 0.03) * w, rng.uniform(-0.03, 0.03) * h] for _ in range(4)])
    homography = cv2.getPerspectiveTransform(
        np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32), moved.astype(np.float32)
    )
    table = np.full((canvas_h, canvas_w), 90, dtype=np.uint8)
    photo = cv2.warpPerspective(image, homography, (canvas_w, canvas_h), dst=table, borderMode=cv2.BORDER_TRANSPARENT)
    photo = cv2.GaussianBlur(photo, (0, 0), rng.uniform(0.5, 1.0)).astype(np.float32)
    # A shadow: light falling off from one side to 55 % across the sheet.
    ys, xs = np.mgrid[0:canvas_h, 0:canvas_w].astype(np.float32)
    t = rng.uniform(0, 2 * math.pi)
    ramp = (xs * math.cos(t) + ys * math.sin(t)) / max(canvas_w, canvas_h)
    ramp = (ramp - ramp.min()) / (ramp.max() - ramp.min())
    photo *= 0.55 + 0.45 * ramp
    photo += np.random.default_rng(rng.randint(0, 2**31)).normal(0, 6, photo.shape)
    return np.clip(photo, 0, 255).astype(np.uint8)
