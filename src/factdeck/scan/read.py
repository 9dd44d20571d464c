"""One page image to a reading of its answer sheet: markers, QR code, student number, answers.

1. OpenCV's ArUco detector finds the four corner markers (DICT_4X4_50, ids 0-3; three are enough); their
   corners, whose places on the page the sheet map gives in mm, fix a homography, so perspective and any
   rotation come out (the ids say which corner is which).
2. The page is warped upright at PX_PER_MM; OpenCV's QRCodeDetector reads the QR code (deck, version, page,
   layout, key); the sheet map with that deck, version and layout must carry the same key, or the sheet is
   of a version no longer built.
3. Uneven light is divided out (the page over its own background, a grey dilation wider than a bubble).
   Each bubble's darkness is the mean darkness of its inner disk (the printed ring left out), less the
   page's empty-bubble level (the median bubble: most bubbles are empty).
4. A bubble is filled at FILLED or more, empty at EMPTY or less; in between it is ambiguous: "faint" (a
   light mark) or "crossed out" (strong ink covering little of it). A question with one filled bubble and
   no ambiguous one has an answer; two filled, or any ambiguous bubble, is flagged with a crop for the
   teacher and never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from factdeck.outputs.print.answer_sheet import ARUCO_DICTIONARY, LARGE, NORMAL, PAPER_MM, marker_centres, parse_qr
from factdeck.scan.maps import SheetError, SheetMaps

__all__ = ["Flag", "Reading", "SheetError", "SheetMaps", "read_page"]

PX_PER_MM = 6.0
FILLED = 0.42  # darkness above the empty level: a bubble filled in
EMPTY = 0.13  # at or below: left empty
INNER = 0.7  # the share of the radius measured (the printed ring and small misregistration left out)
STRONG_INK = 0.5  # a pixel this dark is pen or pencil, not a shadow
CROSS_COVER = 0.45  # strong ink covering less than this much of an ambiguous bubble: crossed out


@dataclass
class Flag:
    """An answer (or the student number) the teacher must confirm: why, the candidates, the crop's file."""

    question: str  # a question number, or "id"
    reason: str  # "two filled", "faint", "crossed out", "unreadable digit"
    candidates: list[str]
    crop: np.ndarray | None = field(default=None, repr=False)


@dataclass
class Reading:
    """What one scanned page says."""

    deck: str
    version: str
    page: int
    pages: int
    layout: str  # paper-n or paper-l
    key: str
    student_id: str  # "" when left blank; "?" where a digit is flagged
    answers: dict[str, str]  # question number: letter ("" blank, "?" flagged)
    flags: list[Flag]
    confidence: float  # 0-1: how far every unflagged bubble sat from the ambiguous band


def _dictionary():
    return cv2.aruco.getPredefinedDictionary(getattr(cv2.aruco, ARUCO_DICTIONARY))


def find_markers(grey: np.ndarray) -> dict[int, np.ndarray]:
    """The corner markers found: {id: 4x2 corners (TL, TR, BR, BL in the marker's own orientation)}."""
    params = cv2.aruco.DetectorParameters()
    params.cornerRefinementMethod = cv2.aruco.CORNER_REFINE_SUBPIX
    detector = cv2.aruco.ArucoDetector(_dictionary(), params)
    corners, ids, _ = detector.detectMarkers(grey)
    if ids is None:
        return {}
    candidates: dict[int, list[np.ndarray]] = {}
    for quad, marker_id in zip(corners, ids.flatten()):
        if int(marker_id) < 4:
            candidates.setdefault(int(marker_id), []).append(quad.reshape(4, 2))
    if len(candidates) == 4 and all(len(c) > 1 for c in candidates.values()):
        raise SheetError("holds more than one answer sheet: photograph one sheet at a time")
    # A stray pattern (in the QR code, say) read as a marker: keep the one of a marker's size.
    sides = np.array([_side(q) for c in candidates.values() if len(c) == 1 for q in c] or [0.0])
    typical = float(np.median(sides))
    return {k: min(c, key=lambda q: abs(_side(q) - typical)) for k, c in candidates.items()}


def _side(quad: np.ndarray) -> float:
    return float(np.linalg.norm(np.roll(quad, 1, axis=0) - quad, axis=1).mean())


def _marker_corners_mm(data_markers: dict, side: float) -> dict[int, np.ndarray]:
    half = side / 2
    return {
        int(k): np.array([[x - half, y - half], [x + half, y - half], [x + half, y + half], [x - half, y + half]])
        for k, (x, y) in data_markers.items()
    }


def _misfit(found: dict[int, np.ndarray], paper: str, large: bool) -> float:
    """How badly the corners found fit a layout's markers: the mean reprojection error, in mm."""
    m = LARGE if large else NORMAL
    page = _marker_corners_mm({str(k): v for k, v in marker_centres(paper, large).items()}, m.marker)
    src = np.concatenate([found[k] for k in sorted(found)]).astype(np.float32)
    dst = np.concatenate([page[k] for k in sorted(found)]).astype(np.float32)
    homography, _ = cv2.findHomography(src, dst, 0)
    if homography is None:
        return float("inf")
    projected = cv2.perspectiveTransform(src.reshape(-1, 1, 2), homography).reshape(-1, 2)
    return float(np.linalg.norm(projected - dst, axis=1).mean())


def _warp(grey: np.ndarray, found: dict[int, np.ndarray], markers: dict, side: float, size: tuple) -> np.ndarray:
    page = _marker_corners_mm(markers, side)
    src = np.concatenate([found[k] for k in sorted(found)]).astype(np.float32)
    dst = (np.concatenate([page[k] for k in sorted(found)]) * PX_PER_MM).astype(np.float32)
    homography, _ = cv2.findHomography(src, dst, 0)
    if homography is None:
        raise SheetError("its corner markers do not make a page (photograph the whole sheet, flat)")
    width, height = int(size[0] * PX_PER_MM), int(size[1] * PX_PER_MM)
    return cv2.warpPerspective(grey, homography, (width, height), flags=cv2.INTER_LINEAR, borderValue=255)


def _decode_qr(image: np.ndarray) -> dict | None:
    """The sheet fields of the first QR code OpenCV decodes in `image`, trying it enlarged and sharpened
    (a phone photo's QR modules are a few blurred pixels wide)."""
    detector = cv2.QRCodeDetector()
    for factor in (1, 2, 3, 4):
        larger = image if factor == 1 else cv2.resize(image, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)
        sharp = cv2.addWeighted(larger, 2.0, cv2.GaussianBlur(larger, (0, 0), 2 * factor), -1.0, 0)
        adaptive = cv2.adaptiveThreshold(
            larger, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY, 31 * factor | 1, 5
        )
        for candidate in (sharp, adaptive):
            try:
                text, _, _ = detector.detectAndDecode(candidate)
            except cv2.error:
                text = ""
            if text:
                return parse_qr(text)
    return None


def read_page(grey: np.ndarray, maps: SheetMaps) -> Reading:
    """Read one page image (grey, uint8). Raises SheetError when it is not a readable answer sheet."""
    longest = max(grey.shape)
    if longest > 3200:  # a 48-megapixel photo holds far more detail than 5 mm bubbles need
        factor = 3200 / longest
        grey = cv2.resize(grey, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    found = find_markers(grey)
    if len(found) < 3:  # three markers' twelve corners still fix the page (a thumb over the fourth)
        if not found:
            raise SheetError("shows no answer sheet (no corner marker found): photograph the whole sheet")
        raise SheetError(
            f"shows {len(found)} of the sheet's 4 corner markers: photograph the whole sheet, corners included"
        )
    qr = None
    warped = None
    # The layout fixes where the markers are and how large; the QR code says which. The layout whose
    # markers fit the sixteen corners found best is tried first (a wrong one cannot make all markers square).
    for paper, large in sorted(maps.layouts(), key=lambda layout: _misfit(found, *layout)):
        m = LARGE if large else NORMAL
        markers = {str(k): v for k, v in marker_centres(paper, large).items()}
        warped = _warp(grey, found, markers, m.marker, PAPER_MM[paper])
        x = (PAPER_MM[paper][0] - m.inset - m.marker - 3 - m.qr - 5) * PX_PER_MM
        crop = warped[: int((m.inset + m.qr + 5) * PX_PER_MM), int(x) : int(x + (m.qr + 8) * PX_PER_MM)]
        qr = _decode_qr(crop)
        if qr is not None and qr["paper"] == paper and qr["large"] == large:
            break
        qr = None
    if qr is None:
        qr = _decode_qr(grey)
        if qr is None:
            raise SheetError("has corner markers but no readable sheet code (QR): is it a factdeck answer sheet?")
    data = maps.find(qr)
    m = LARGE if data["large"] else NORMAL
    warped = _warp(grey, found, data["markers"], data["marker"], data["size"])
    pages = data["pages"]
    if not 1 <= qr["page"] <= len(pages):
        raise SheetError(f"names page {qr['page']}, which the sheet map does not have")
    return _read_bubbles(warped, data, pages[qr["page"] - 1], qr, m.radius)


def darkness_image(warped: np.ndarray, radius_mm: float) -> np.ndarray:
    """0 (paper) to 1 (ink) per pixel, the page's own background (uneven light, shadows) divided out.

    The background is the page dilated (a grey maximum wider than a bubble, so marks vanish from it) and
    smoothed; light changes slowly across a page, so it is worked out at a quarter of the resolution."""
    small = cv2.resize(warped, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    size = int(radius_mm * 2 * PX_PER_MM * 1.6 / 4) | 1
    background = cv2.dilate(small, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size)))
    background = cv2.GaussianBlur(background, (0, 0), size / 2)
    background = cv2.resize(background, (warped.shape[1], warped.shape[0]), interpolation=cv2.INTER_LINEAR)
    return np.clip(1.0 - warped.astype(np.float32) / np.maximum(background.astype(np.float32), 1.0), 0.0, 1.0)


@dataclass
class _Bubble:
    label: str
    score: float  # darkness above the empty level
    strong: float  # share of strongly inked pixels


def _measure(dark: np.ndarray, centres: list, labels: list, radius: float) -> list[_Bubble]:
    r = radius * INNER * PX_PER_MM
    reach = int(r) + 1
    yy, xx = np.mgrid[-reach : reach + 1, -reach : reach + 1]
    disk = (xx * xx + yy * yy) <= r * r
    bubbles = []
    for (x, y), label in zip(centres, labels):
        cx, cy = int(round(x * PX_PER_MM)), int(round(y * PX_PER_MM))
        patch = dark[cy - reach : cy + reach + 1, cx - reach : cx + reach + 1]
        if patch.shape != disk.shape:
            bubbles.append(_Bubble(label, 0.0, 0.0))
            continue
        values = patch[disk]
        bubbles.append(_Bubble(label, float(values.mean()), float((values > STRONG_INK).mean())))
    return bubbles


def _decide(bubbles: list[_Bubble], base: float) -> tuple[str, str | None, list[str], float]:
    """(answer, flag reason or None, candidates, margin) for one row of bubbles."""
    filled, unsure = [], []
    margin = 1.0
    for b in bubbles:
        s = b.score - base
        if s >= FILLED:
            filled.append(b.label)
            margin = min(margin, (s - FILLED) / 0.3)
        elif s <= EMPTY:
            margin = min(margin, (EMPTY - s) / EMPTY)
        else:
            unsure.append(b)
    if unsure:
        crossed = any(b.strong < CROSS_COVER and b.strong > 0.12 for b in unsure)
        reason = "crossed out" if crossed else "faint"
        return "?", reason, filled + [b.label for b in unsure], 0.0
    if len(filled) > 1:
        return "?", "two filled", filled, 0.0
    return (filled[0] if filled else ""), None, filled, max(0.0, margin)


def _crop(warped: np.ndarray, centres: list, radius: float) -> np.ndarray:
    xs = [c[0] for c in centres]
    ys = [c[1] for c in centres]
    pad = radius * 2.5
    x0, x1 = int((min(xs) - pad - 10) * PX_PER_MM), int((max(xs) + pad) * PX_PER_MM)
    y0, y1 = int((min(ys) - pad) * PX_PER_MM), int((max(ys) + pad) * PX_PER_MM)
    return warped[max(0, y0) : y1, max(0, x0) : x1].copy()


def _read_bubbles(warped: np.ndarray, data: dict, page: dict, qr: dict, radius: float) -> Reading:
    dark = darkness_image(warped, radius)
    rows = [(str(q["number"]), q["centres"], q["labels"]) for q in page["questions"]]
    digits = [(f"id{i}", column, [str(d) for d in range(10)]) for i, column in enumerate(page["id_bubbles"])]
    measured = {name: _measure(dark, centres, labels, radius) for name, centres, labels in rows + digits}
    scores = sorted(b.score for row in measured.values() for b in row)
    base = scores[len(scores) // 2] if scores else 0.0  # the median bubble is an empty one
    flags: list[Flag] = []
    answers: dict[str, str] = {}
    confidence = 1.0
    for name, centres, _ in rows:
        answer, reason, candidates, margin = _decide(measured[name], base)
        confidence = min(confidence, margin) if not reason else confidence  # a flagged row is the teacher's
        answers[name] = answer
        if reason:
            flags.append(Flag(name, reason, candidates, _crop(warped, centres, radius)))
    id_digits = []
    for name, centres, _ in digits:
        digit, reason, candidates, margin = _decide(measured[name], base)
        confidence = min(confidence, margin) if not reason else confidence
        id_digits.append(digit)
        if reason:
            flags.append(Flag("id", f"digit {int(name[2:]) + 1}: {reason}", candidates, _crop(warped, centres, radius)))
    student_id = "".join(id_digits).strip()
    if "" in id_digits and student_id:
        # A blank digit between filled ones (not just trailing blanks) is an ID misread, not a shorter ID.
        filled_positions = [i for i, d in enumerate(id_digits) if d]
        if filled_positions[-1] - filled_positions[0] + 1 != len(filled_positions):
            flags.append(Flag("id", "a digit left blank inside the number", [], None))
    return Reading(
        deck=qr["deck"],
        version=qr["version"],
        page=qr["page"],
        pages=qr["pages"],
        layout=f"{qr['paper']}-{'l' if qr['large'] else 'n'}",
        key=qr["key"],
        student_id=student_id,
        answers=answers,
        flags=flags,
        confidence=round(confidence, 2),
    )
