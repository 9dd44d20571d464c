"""Answer sheets rendered, filled in and photographed synthetically, then scanned: bubbles read right, every
ambiguous mark flagged, a 25-sheet scanner PDF read in one command, re-scans not duplicated, and every kind of
bad input named in one line without stopping the others."""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import cv2
import numpy as np
import pytest
from conftest import Project, sample_project
from PIL import Image

from factdeck.outputs.print.answer_sheet import ARUCO_BITS, parse_qr, qr_payload
from factdeck.scan.read import SheetError, SheetMaps, read_page
from scan_synth import fill, photograph, render_pages

DECK = "guild-history"
COUNTS = ["--count", "multiple-choice=6,true-false=4", "--count", "short-answer=1"]


@pytest.fixture(scope="module")
def sheets(tmp_path_factory) -> tuple[Project, Path]:
    """A4 sheets (normal and large print, versions A and B) in build/, Letter sheets in a second folder."""
    project = sample_project(tmp_path_factory.mktemp("scan") / "proj", more_facts=True)
    result = project.run("quiz", DECK, "--versions", "2", "--answer-sheet", "--large-print", *COUNTS)
    assert result.exit_code == 0, result.output
    letter = project.root / "letter"
    result = project.run(
        "quiz",
        DECK,
        "--versions",
        "2",
        "--answer-sheet",
        "--large-print",
        "--paper",
        "us-letter",
        "-o",
        str(letter),
        *COUNTS,
    )
    assert result.exit_code == 0, result.output
    return project, letter


def test_markers_are_opencvs_aruco_markers():
    dictionary = cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_4X4_50)
    for marker_id, rows in enumerate(ARUCO_BITS):
        image = cv2.aruco.generateImageMarker(dictionary, marker_id, 6)
        assert ["".join("1" if v == 255 else "0" for v in row[1:5]) for row in image[1:5]] == list(rows)


def filled_sheet(folder: Path, name: str, rng: random.Random, marks: str = "mixed"):
    """A rendered sheet's pages filled in: (images, expected answers per page, expected flags, student id)."""
    data = json.loads((folder / f"{DECK}/{name}.json").read_text())
    pages = render_pages(folder / f"{DECK}/{name}.pdf")[: len(data["pages"])]
    student = "".join(str(rng.randrange(10)) for _ in range(8))
    out = []
    for image, page in zip(pages, data["pages"]):
        image = image.copy()
        expected, flagged = {}, set()
        for q in page["questions"]:
            number, labels, centres = str(q["number"]), q["labels"], q["centres"]
            k = rng.randrange(len(labels))
            how = "clean" if marks == "clean" else rng.choice(["clean"] * 5 + ["blank", "faint", "cross", "double"])
            if how == "blank":
                expected[number] = ""
            elif how == "double":
                fill(image, centres[k], data["radius"], "clean", rng)
                fill(image, centres[(k + 1) % len(labels)], data["radius"], "clean", rng)
                expected[number], _ = "?", flagged.add(number)
            else:
                fill(image, centres[k], data["radius"], how, rng)
                expected[number] = labels[k] if how == "clean" else "?"
                if how != "clean":
                    flagged.add(number)
        for column, digit in zip(page["id_bubbles"], student):
            fill(image, column[int(digit)], data["radius"], "clean", rng)
        out.append((image, expected, flagged))
    return data, out, student


def test_photographed_sheets_read_right_and_every_ambiguous_mark_flagged(sheets):
    project, letter = sheets
    maps = SheetMaps([project.root / "build", letter])
    rng = random.Random(33)
    bubbles = right = 0
    missed_flags = []
    cases = [(project.root / "build", "answer-sheet-A"), (project.root / "build", "answer-sheet-B-large-print")]
    cases += [(letter, "answer-sheet-B"), (letter, "answer-sheet-A-large-print")]
    for folder, name in cases * 2:
        data, pages, student = filled_sheet(folder, name, rng)
        for image, expected, flagged in pages:
            reading = read_page(photograph(image, rng), maps)
            assert (reading.deck, reading.version) == (DECK, data["version"])
            assert reading.student_id == student
            flags = {f.question for f in reading.flags}
            missed_flags += [(name, n) for n in flagged - flags]
            for page in data["pages"][reading.page - 1 : reading.page]:
                for q in page["questions"]:
                    number = str(q["number"])
                    bubbles += len(q["labels"])
                    if reading.answers[number] == expected[number]:
                        right += len(q["labels"])
                    elif expected[number] != "?":
                        pass  # counted wrong
                bubbles += 80
                right += 80 if reading.student_id == student else 0
    assert not missed_flags
    assert right / bubbles >= 0.995, f"{right} of {bubbles} bubbles read right"


def test_rotated_fifteen_degrees_and_upside_down(sheets):
    project, _ = sheets
    maps = SheetMaps([project.root / "build"])
    rng = random.Random(4)
    data, pages, student = filled_sheet(project.root / "build", "answer-sheet-A", rng, marks="clean")
    image, expected, _ = pages[0]
    for angle in (15.0, -15.0, 180.0):
        reading = read_page(photograph(image, rng, angle=angle), maps)
        assert reading.answers == expected and reading.student_id == student and not reading.flags


def test_qr_payload_round_trip():
    assert parse_qr(qr_payload("guild-history", "B", 2, 3, "us-letter", True, "0a1b2c")) == {
        "deck": "guild-history",
        "version": "B",
        "page": 2,
        "pages": 3,
        "paper": "us-letter",
        "large": True,
        "key": "0a1b2c",
    }
    assert parse_qr("https://example.org") is None


def test_a_25_sheet_scanner_pdf_in_one_command_and_rescans_do_not_duplicate(sheets, tmp_path):
    project, _ = sheets
    rng = random.Random(25)
    images, students = [], []
    for i in range(25):
        _, pages, student = filled_sheet(project.root / "build", f"answer-sheet-{'AB'[i % 2]}", rng, marks="clean")
        image = pages[0][0]
        # A scanner: straight, a little skewed, light grey paper, some noise.
        turn = cv2.getRotationMatrix2D((image.shape[1] / 2, image.shape[0] / 2), rng.uniform(-2, 2), 1.0)
        image = cv2.warpAffine(image, turn, (image.shape[1], image.shape[0]), borderValue=255)
        image = np.clip(image.astype(np.int16) - 12 + np.random.default_rng(i).normal(0, 4, image.shape), 0, 255)
        images.append(
            Image.fromarray(image.astype(np.uint8)).resize((image.shape[1] * 2 // 3, image.shape[0] * 2 // 3))
        )
        students.append(student)
    pdf = tmp_path / "scanner.pdf"
    images[0].save(pdf, save_all=True, append_images=images[1:], resolution=100)
    results = tmp_path / "class-results"
    result = project.run("scan", str(pdf), "--results", str(results))
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader((results / DECK / "responses.csv").open()))
    assert sorted(r["student_id"] for r in rows) == sorted(students)
    rescan = tmp_path / "again.pdf"  # three of the sheets through the scanner again
    images[0].save(rescan, save_all=True, append_images=images[1:3], resolution=100)
    again = project.run("scan", str(rescan), "--results", str(results))
    assert "3 re-scanned page(s) replaced" in again.output
    assert len(list(csv.DictReader((results / DECK / "responses.csv").open()))) == 25


def test_scan_writes_results_outside_build_and_init_ignores_them(sheets, tmp_path):
    project, _ = sheets
    result = project.run("scan", str(tmp_path), "--results", str(project.root / "build" / "results"))
    assert result.exit_code == 2 and "outside the build folder" in result.output
    from factdeck.project.starter import GITIGNORE

    assert "/results/" in GITIGNORE.splitlines()


def _png(width: int, height: int) -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = zlib.compress(b"\0" * (width + 1) * 8)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


def test_hostile_inputs_each_named_in_one_line_and_the_good_one_still_read(sheets, tmp_path):
    project, _ = sheets
    rng = random.Random(7)
    _, pages, student = filled_sheet(project.root / "build", "answer-sheet-A", rng, marks="clean")
    good = tmp_path / "good.png"
    cv2.imwrite(str(good), photograph(pages[0][0], rng))
    truncated = tmp_path / "truncated.jpg"
    ok, encoded = cv2.imencode(".jpg", pages[0][0])
    truncated.write_bytes(encoded.tobytes()[:2000])
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(_png(30000, 30000))
    (tmp_path / "empty.png").write_bytes(b"")
    (tmp_path / "fake.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 10)
    (tmp_path / "notes.txt").write_text("not a scan")
    blank = tmp_path / "no-sheet.png"
    cv2.imwrite(str(blank), np.full((600, 400), 200, np.uint8))
    result = project.run("scan", str(tmp_path), "--results", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    out = result.output
    assert f"sheet A-{student}" in out
    assert "truncated.jpg: is damaged or truncated" in out or "truncated.jpg: shows" in out
    assert "bomb.png: is " in out and "decompression bomb" in out
    assert "empty.png: is empty" in out
    assert "fake.pdf: is not a PDF that can be opened" in out
    assert "notes.txt: is not an image" in out
    assert "no-sheet.png: shows no answer sheet" in out
    assert "Traceback" not in out


def test_a_sheet_of_another_deck_or_of_a_version_no_longer_built(sheets, tmp_path):
    project, _ = sheets
    build = project.root / "build"
    maps = SheetMaps([build])
    rng = random.Random(9)
    _, pages, _ = filled_sheet(build, "answer-sheet-A", rng, marks="clean")
    photo = photograph(pages[0][0], rng)
    stale = SheetMaps([build])
    for data in stale.maps.values():
        data["key"] = "00000000"
    with pytest.raises(SheetError, match="no longer exists"):
        read_page(photo, stale)
    other = SheetMaps([build])
    other.maps = {("another-deck", v, layout): d for (_, v, layout), d in maps.maps.items()}
    with pytest.raises(SheetError, match="sheet map is not in the build folder"):
        read_page(photo, other)


def test_large_print_sheets_print_every_text_at_18_points_or_more(sheets):
    import pypdf

    project, letter = sheets
    for folder in (project.root / "build", letter):
        found: list[float] = []

        def visit(t, cm, tm, font, size, found=found):
            if t.strip():
                found.append(round(size * abs(tm[3]) * abs(cm[3]), 2))

        for page in pypdf.PdfReader(folder / DECK / "answer-sheet-A-large-print.pdf").pages:
            page.extract_text(visitor_text=visit)
        assert found and min(found) >= 18 - 0.01, sorted(set(found))[:5]


def test_every_answer_sheet_has_its_title_as_a_bookmark_and_a_heading_tag(sheets):
    import pypdf

    project, letter = sheets
    for folder in (project.root / "build", letter):
        for path in sorted((folder / DECK).glob("answer-sheet-*.pdf")):
            reader = pypdf.PdfReader(path)
            titles = [mark.title for mark in reader.outline if not isinstance(mark, list)]
            assert len(titles) == 1 and titles[0].startswith("Answer sheet: "), (path.name, titles)
            tree = reader.trailer["/Root"]["/StructTreeRoot"]
            assert "/H1" in repr(_structure_types(tree)), path.name


def _structure_types(node, depth: int = 0) -> list[str]:
    """Every structure element type under `node` of a tagged PDF's structure tree (PDF 1.7, 14.7.2)."""
    node = node.get_object()
    found = [str(node["/S"])] if "/S" in node else []
    kids = node.get("/K", [])
    for kid in kids if isinstance(kids, list) else [kids]:
        kid = kid.get_object() if hasattr(kid, "get_object") else kid
        if isinstance(kid, dict) and depth < 60:
            found += _structure_types(kid, depth + 1)
    return found


def test_without_the_scan_extra_one_line_says_how_to_install_it(sheets, monkeypatch, tmp_path):
    import sys

    project, _ = sheets
    monkeypatch.setitem(sys.modules, "cv2", None)  # as if opencv-python-headless were not installed
    result = project.run("scan", str(tmp_path))
    assert result.exit_code == 1
    assert result.output.strip() == (
        "error: scanning needs opencv-python-headless: install the scanning extra: pip install 'factdeck[scan]'"
    )


def test_a_confirmed_mark_is_used_by_results_and_kept_by_a_rescan(sheets, tmp_path):
    project, _ = sheets
    build = project.root / "build"
    data = json.loads((build / DECK / "answer-sheet-A.json").read_text())
    rng = random.Random(11)
    image = render_pages(build / DECK / "answer-sheet-A.pdf")[0].copy()
    page = data["pages"][0]
    for column, digit in zip(page["id_bubbles"], "12345678"):
        fill(image, column[int(digit)], data["radius"], "clean", rng)
    first = page["questions"][0]
    fill(image, first["centres"][1], data["radius"], "faint", rng)
    photo = tmp_path / "photo.png"
    cv2.imwrite(str(photo), photograph(image, rng))
    results = tmp_path / "results"
    assert project.run("scan", str(photo), "--results", str(results)).exit_code == 0
    review_path = results / DECK / "review.csv"
    review = list(csv.DictReader(review_path.open()))
    assert [(r["sheet"], r["question"], r["reason"]) for r in review] == [("A-12345678", str(first["number"]), "faint")]
    assert (results / DECK / review[0]["crop"]).exists()
    review[0]["answer"] = first["labels"][1]
    with review_path.open("w", newline="") as f:
        writer = csv.DictWriter(f, list(review[0]))
        writer.writeheader()
        writer.writerows(review)
    from factdeck.reports.results_imports import read_responses

    assert read_responses(results / DECK / "responses.csv")[0]["answers"][str(first["number"])] == first["labels"][1]
    assert project.run("scan", str(photo), "--results", str(results)).exit_code == 0
    rows = list(csv.DictReader((results / DECK / "responses.csv").open()))
    assert len(rows) == 1 and rows[0][f"q{first['number']}"] == first["labels"][1]


def test_a_quiz_without_bubbled_questions_warns_that_there_is_no_zipgrade_key(sheets, tmp_path):
    project, _ = sheets
    result = project.run("quiz", DECK, "--answer-sheet", "--count", "short-answer=1", "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "no multiple-choice or true/false question, so no ZipGrade key" in result.output
    assert not (tmp_path / DECK / "zipgrade-key.csv").exists()


def test_the_pages_of_a_two_page_sheet_join_into_one_row(sheets, tmp_path):
    project, _ = sheets
    out = tmp_path / "build"
    args = ["quiz", DECK, "--answer-sheet", "--large-print", "--paper", "us-letter", "-o", str(out)]
    result = project.run(*args, "--versions", "1", "--count", "multiple-choice=12,true-false=6")
    assert result.exit_code == 0, result.output
    rng = random.Random(12)
    data, pages, student = filled_sheet(out, "answer-sheet-A-large-print", rng, marks="clean")
    assert len(pages) == 2
    photos = []
    for n, (image, _, _) in enumerate(pages):
        photos.append(tmp_path / f"page{n + 1}.jpg")
        cv2.imwrite(str(photos[-1]), photograph(image, rng), [cv2.IMWRITE_JPEG_QUALITY, 85])
    results = tmp_path / "results"
    result = project.run("scan", *map(str, reversed(photos)), "--results", str(results), "--sheets", str(out))
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader((results / DECK / "responses.csv").open()))
    expected = {n: a for _, answers, _ in pages for n, a in answers.items()}
    assert len(rows) == 1 and rows[0]["student_id"] == student
    assert {k[1:]: v for k, v in rows[0].items() if k.startswith("q") and k[1:] in expected} == expected
    assert float(rows[0]["max_score"]) == len(expected)


@pytest.mark.parametrize(
    ("tool", "name", "content", "said"),
    [
        ("kahoot", "kahoot.xlsx", b"PK\x03\x04 not really a workbook", "not a Kahoot! results spreadsheet"),
        ("moodle", "moodle.csv", b"Surname,First name,Grade\r\nA,B,1\r\n", "no 'Response 1'"),
        ("zipgrade", "zipgrade.csv", b"\xff\xfe\x00garbage", "cannot be read as CSV"),
    ],
)
def test_misformatted_results_files_each_get_one_line(sheets, tmp_path, tool, name, content, said):
    project, _ = sheets
    path = tmp_path / name
    path.write_bytes(content)
    result = project.run("results", DECK, "--results", str(tmp_path / "results"), f"--from={tool}={path}")
    assert result.exit_code == 1
    assert said in result.output and "Traceback" not in result.output


def test_a_corner_covered_by_a_thumb_still_reads_with_three_markers(sheets):
    project, _ = sheets
    maps = SheetMaps([project.root / "build"])
    rng = random.Random(5)
    data, pages, student = filled_sheet(project.root / "build", "answer-sheet-B", rng, marks="clean")
    image, expected, _ = pages[0]
    image = image.copy()
    x, y = data["markers"]["2"]
    cv2.circle(image, (int(x * 150 / 25.4), int(y * 150 / 25.4)), int(9 * 150 / 25.4), 150, -1)  # a thumb
    reading = read_page(photograph(image, rng), maps)
    assert reading.answers == expected and reading.student_id == student
    image[:, :] = 255
    with pytest.raises(SheetError, match="no answer sheet"):
        read_page(photograph(image, rng), maps)
