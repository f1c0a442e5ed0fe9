"""Reading files: formats, encodings, titles, dates, and files that must be skipped."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from rag.documents import Skipped, SourceDocument, UnreadableFile, discover, load, load_all, title_of
from tests.conftest import SEEDS

SEED_TITLES = {
    "000_e234b3a123fa6287": "Kim Jong Un leaves Russia for North Korea following six day trip",
    "002_d5cbf879a7b1fe58": "Kim Jong Un arrives in Russia for first trip since pandemic",
    "003_0aa987cd62713de8": "Kim Jong Un enters Russia in armoured train ahead of Putin meeting",
    "004_233b49a59d445921": "North Korean leader Kim Jong Un is on his way home from Russia",
    # no headline: the lead sentence's main clause, not a sentence cut off with "…"
    "001_8dcf05ad1b8e96bb": "North Korean leader Kim Jong Un left Russia on Sunday on his armoured train",
}


def test_seed_metadata() -> None:
    docs = {d.doc_id: d for d in load_all(discover([SEEDS])[0]) if isinstance(d, SourceDocument)}
    assert sorted(docs) == [p.stem for p in sorted(SEEDS.glob("*.txt"))]
    for doc_id, title in SEED_TITLES.items():
        assert docs[doc_id].title == title
    assert not any(d.title.endswith("…") for d in docs.values())
    assert docs["002_d5cbf879a7b1fe58"].published == date(2023, 9, 12)
    assert docs["000_e234b3a123fa6287"].published is None
    assert all(len(d.content_hash) == 64 for d in docs.values())
    assert docs["000_e234b3a123fa6287"].source.endswith("000_e234b3a123fa6287.txt")


def test_bad_files_are_reported_by_name_and_others_loaded(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text("A headline\n\nThe article body has a full sentence in it.\n")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.md").write_text("   \n\n  ")
    (tmp_path / "junk.txt").write_bytes(bytes([0x81, 0x8D, 0x8F, 0x90, 0x9D]) * 40)
    (tmp_path / "ignored.pdf").write_bytes(b"%PDF-1.4")
    files, missing = discover([tmp_path, tmp_path / "nope"])
    assert [m.source for m in missing] == [str(tmp_path / "nope")]
    assert "ignored.pdf" not in {f.name for f in files}
    results = list(load_all(files))
    loaded = [r for r in results if isinstance(r, SourceDocument)]
    skipped = {Path(r.source).name: r.reason for r in results if isinstance(r, Skipped)}
    assert [d.doc_id for d in loaded] == ["good"]
    assert "binary" in skipped["binary.txt"]
    assert skipped["empty.txt"] == "empty file"
    assert skipped["blank.md"] == "empty file"
    assert "not UTF-8" in skipped["junk.txt"]


def test_legacy_encoding_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    text = "Café owners in Zürich said the naïve plan would fail, according to the mayor's office."
    path.write_bytes((text + "\n\n" + text.replace("Café", "Crème")).encode("latin-1"))
    doc = load(path)
    assert "Café owners in Zürich" in doc.text
    assert doc.encoding == "cp1252"


def test_utf8_bom_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeffTitle line\r\n\r\nBody sentence one. Body sentence two.\r\n".encode())
    doc = load(path)
    assert doc.title == "Title line"
    assert doc.text == "Title line\n\nBody sentence one. Body sentence two."


def test_html_main_text_is_extracted(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(
        """<html><head><title>Kim visits Vladivostok | News</title>
        <meta property="article:published_time" content="2023-09-16T10:00:00Z"></head>
        <body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
        <article><h1>Kim visits Vladivostok</h1>
        <p>North Korean leader Kim Jong Un inspected a hypersonic missile system in Vladivostok on Saturday,
        accompanied by Russian defence minister Sergei Shoigu.</p>
        <p>He later boarded a warship of the Pacific fleet, state media reported on Sunday morning.</p>
        </article><footer>Copyright 2023. All rights reserved. Cookie settings.</footer>
        <script>alert('x')</script></body></html>""",
        encoding="utf-8",
    )
    doc = load(path)
    assert "hypersonic missile system" in doc.text
    assert "warship of the Pacific fleet" in doc.text
    assert "Cookie settings" not in doc.text and "alert(" not in doc.text
    assert "Kim visits Vladivostok" in doc.title
    assert doc.published == date(2023, 9, 16)


def test_html_bold_run_in_heading_is_a_line_of_its_own(tmp_path: Path) -> None:
    path = tmp_path / "tram.html"
    path.write_text(
        """<html><head><title>Halvik opens tram Line 4</title></head><body><article>
        <h1>Halvik opens tram Line 4</h1>
        <p>The city's fourth tram line opened on Saturday, two years late, with <i>free</i> rides all day.</p>
        <p><b>Cost and delays.</b> The line cost 3.2 billion crowns, about 500 million more than the
        budget approved by the city council in 2019.</p>
        <p>Most of the delay came from moving cables under the road, the <b>transport company</b> said.</p>
        </article></body></html>""",
        encoding="utf-8",
    )
    lines = [line.strip() for line in load(path).text.split("\n") if line.strip()]
    assert "Cost and delays." in lines
    assert any(line.startswith("The line cost 3.2 billion crowns") for line in lines)
    assert "with free rides all day." in lines[1] and "the transport company said." in lines[-1]
    assert not any("*" in line for line in lines)


def test_markdown_headings_are_plain_text(tmp_path: Path) -> None:
    path = tmp_path / "note.md"
    path.write_text("# Talks end in Vostochny\n\nThe two leaders met for several hours at the spaceport.\n")
    doc = load(path)
    assert doc.title == "Talks end in Vostochny"
    assert "#" not in doc.text


def test_markdown_syntax_is_read_as_the_text_it_marks_up(tmp_path: Path) -> None:
    """Emphasis, images, links, list and quote markers and rules are Markdown, not article text; a
    bold run-in heading becomes a subheading of its own, so it is never glued to a sentence."""
    path = tmp_path / "wing.md"
    path.write_text(
        "# New hospital wing opens three years late\n\n"
        "*By Ida Berg, health reporter*\n\n"
        "**HALVIK, September 16, 2024 (LNA)** - The new east wing took in its first patients on Monday.\n\n"
        "![The east wing on its opening day](ode.jpg)\n"
        "*The east wing on its opening day. Photo: LNA/Tove Brask*\n\n"
        "**Why it took so long.** Builders found a _medieval_ churchyard on the site in 2019.\n\n"
        "- It has 220 beds and eight operating theatres.\n"
        "> Every patient now has a room with a door, the director said.\n\n"
        "---\n\n"
        "The wing cost 1.6 billion crowns, says the [regional council](https://example.org/council).\n\n"
        "*Read more: [Halvik's waiting lists, explained](https://example.org/lists)*\n",
        encoding="utf-8",
    )
    doc = load(path)
    assert not set("*_#[]()") & set(doc.text.replace("(LNA)", ""))
    assert "Why it took so long.\n\nBuilders found a medieval churchyard on the site in 2019." in doc.text
    assert "It has 220 beds" in doc.text and "Every patient now has a room" in doc.text
    assert "says the regional council." in doc.text and "example.org" not in doc.text
    assert "By Ida Berg" not in doc.text and "Read more" not in doc.text and "Photo" not in doc.text
    assert doc.published == date(2024, 9, 16)
    # the caption is kept as a sentence; the alt text and the credit are not
    assert doc.text.count("The east wing on its opening day") == 1


def test_duplicate_ids_are_skipped(tmp_path: Path) -> None:
    for sub in ("a", "b"):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "same.txt").write_text(f"Story {sub}\n\nA sentence about story {sub} here.")
    results = list(load_all(discover([tmp_path])[0]))
    assert sum(isinstance(r, SourceDocument) for r in results) == 1
    assert any(isinstance(r, Skipped) and "duplicate document id" in r.reason for r in results)


def test_unreadable_file_raises(tmp_path: Path) -> None:
    with pytest.raises(UnreadableFile):
        load(tmp_path / "missing.txt")


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Short headline\n\nBody.", "Short headline"),
        ("A sentence that ends. Another one.", "A sentence that ends"),
        (
            "Kim left Russia on Sunday on his train, agencies reported, after "
            + "a long trip " * 10
            + "ended.",
            "Kim left Russia on Sunday on his train",
        ),
        ("w " * 40 + "end.", ("w " * 20).strip() + "…"),
        ("longword " * 19 + "end.", ("longword " * 10).strip() + "…"),
    ],
)
def test_title_of(text: str, title: str) -> None:
    assert title_of(text) == title
