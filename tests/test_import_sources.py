"""`import` from where editors write: a Google Doc's exports (plain text, .docx) and addresses (a
news page, a Doc's export link), each with the bounds and messages a file has. The documents are
real Word files written here with python-docx; the addresses are served by a real server on
127.0.0.1."""

from __future__ import annotations

import http.server
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import docx
import docx.opc.constants
import docx.oxml
import docx.oxml.ns
import pytest
from helpers import make_project, minimal_explainer

from explainer import cli
from explainer.content.parse import parse_content
from explainer.importer import sources

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = cli.main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def link(paragraph, text: str, url: str) -> None:
    """A hyperlink run in a Word paragraph, as a Doc's export writes one."""
    part = paragraph.part
    rel = part.relate_to(url, docx.opc.constants.RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    element = docx.oxml.OxmlElement("w:hyperlink")
    element.set(docx.oxml.ns.qn("r:id"), rel)
    run_ = docx.oxml.OxmlElement("w:r")
    text_ = docx.oxml.OxmlElement("w:t")
    text_.text = text
    run_.append(text_)
    element.append(run_)
    paragraph._p.append(element)


def article_docx(path: Path) -> Path:
    """A Doc an editor wrote as an article: a title, a subtitle, headings and paragraphs."""
    document = docx.Document()
    document.add_paragraph("How the Flood Plan Works", style="Title")
    document.add_paragraph("The council approved the plan on Tuesday after months of debate.", style="Subtitle")
    document.add_paragraph("The river rose twice last winter, and the town wants to be ready for the next time.")
    document.add_heading("What does the plan do?", level=1)
    paragraph = document.add_paragraph("It raises the banks along Mill Road by one metre. ")
    paragraph.add_run("The work starts in spring.").bold = True
    document.add_heading("Who pays for it?", level=1)
    document.add_paragraph("The region pays two thirds and the town pays the rest.")
    document.save(path)
    return path


ARCHIEML = """\
slug: flood-plan
title: How the Flood Plan Works
dek: The council approved the plan on Tuesday.
published: 2025-11-04

[+sections]

{.question}
id: what-does-it-do
question: What does the plan do?
short_answer: It raises the river banks.
answer: It raises the banks along Mill Road by one metre.

The work starts in spring.
:end
{}

{.key_points}
[.key_points]
* The banks rise by one metre.
* The region pays two thirds.
[]
{}
[]
"""


def archieml_docx(path: Path) -> Path:
    """A Doc an editor wrote as an explainer in ArchieML (the README's template), with a link."""
    document = docx.Document()
    for line in ARCHIEML.splitlines():
        if line.startswith("answer: It raises"):
            paragraph = document.add_paragraph("answer: It raises the banks along ")
            link(paragraph, "Mill Road", "https://example.org/mill-road")
            paragraph.add_run(" by one metre.")
        elif line.startswith("* "):
            document.add_paragraph(line[2:], style="List Bullet")
        else:
            document.add_paragraph(line)
    document.save(path)
    return path


def google_text_export(text: str) -> bytes:
    """Text as Google Docs' File -> Download -> Plain text saves it: a byte order mark and CRLF line ends."""
    return "\ufeff".encode() + text.replace("\n", "\r\n").encode("utf-8")


# --- files ------------------------------------------------------------------------------------


def test_a_word_document_article_is_imported_with_its_title_and_subtitle(make_site, tmp_path, capsys):
    root = make_site({"a.yaml": minimal_explainer("a")})
    source = article_docx(tmp_path / "flood.docx")
    status, out, err = run(capsys, "import", str(source), "--root", str(root), "--published", "2025-11-04")
    assert status == 0, err
    written = root / "content" / "how-the-flood-plan-works.yaml"
    assert out.splitlines()[0].endswith("(html) into " + str(written) if not written.is_relative_to(Path.cwd()) else "(html) into content/how-the-flood-plan-works.yaml")
    data = parse_content(str(written), written.read_bytes()).data
    assert data["title"] == "How the Flood Plan Works"
    assert data["dek"] == "The council approved the plan on Tuesday after months of debate."
    assert [s["question"] for s in data["sections"]] == ["What does the plan do?", "Who pays for it?"]
    assert "The work starts in spring." in data["sections"][0]["answer"]
    assert cli.main(["--root", str(root)]) == 0


@pytest.mark.parametrize("given", [None, "de-AT"])
def test_a_word_documents_language_splits_its_sentences_and_language_wins_over_it(make_site, tmp_path, capsys, given):
    document = docx.Document()
    document.core_properties.language = "de-DE"  # as Word writes the document's language
    document.add_paragraph("Die Linie 7 fährt ab April seltener", style="Title")
    document.add_paragraph("Die Stadt baut u. a. neue Haltestellen am Markt. Die Linie fährt deshalb ab 1. April seltener.")
    document.add_heading("Wann fährt die Linie 7?", level=1)
    document.add_paragraph("Sie fährt z. B. am Sonntag nur noch alle 30 Minuten. Der Bus Nr. 7 hält dann nicht am Markt.")
    document.save(tmp_path / "linie.docx")
    root = make_site({"a.yaml": minimal_explainer("a")})  # a site in English
    status, out, err = run(capsys, "import", str(tmp_path / "linie.docx"), "--root", str(root), *(["--language", given] if given else []))
    assert status == 0, err
    data = parse_content("linie.yaml", (root / "content" / "die-linie-7-fahrt-ab-april-seltener.yaml").read_bytes()).data
    assert data["language"] == (given or "de-DE")
    assert data["sections"][0]["short_answer"] == "Sie fährt z. B. am Sonntag nur noch alle 30 Minuten."  # not "Sie fährt z."
    assert f"  sentences split as: {given or 'de-DE'}" in out.splitlines()


def test_a_word_document_written_in_archieml_becomes_an_aml_file_that_builds(make_site, tmp_path, capsys):
    root = make_site({"a.yaml": minimal_explainer("a")})
    source = archieml_docx(tmp_path / "flood.docx")
    status, out, err = run(capsys, "import", str(source), "--root", str(root))
    assert status == 0, err
    assert "(an explainer in ArchieML) into" in out.splitlines()[0]
    written = (root / "content" / "flood-plan.aml").read_text("utf-8")
    # One line per paragraph; the Doc's link and bullets carried over as Markdown and ArchieML.
    assert "answer: It raises the banks along [Mill Road](https://example.org/mill-road) by one metre." in written
    assert "* The banks rise by one metre." in written
    assert cli.main(["--root", str(root)]) == 0
    page = (root / "site" / "flood-plan" / "index.html").read_text("utf-8")
    assert 'href="https://example.org/mill-road"' in page


def test_a_google_docs_text_export_in_archieml_is_imported_as_written(make_site, tmp_path, capsys):
    root = make_site({"a.yaml": minimal_explainer("a")})
    (tmp_path / "flood.txt").write_bytes(google_text_export(ARCHIEML))
    status, out, err = run(capsys, "import", str(tmp_path / "flood.txt"), "--root", str(root))
    assert status == 0, err
    assert (root / "content" / "flood-plan.aml").read_text("utf-8") == ARCHIEML
    assert cli.main(["--root", str(root)]) == 0


def test_a_google_docs_text_export_of_an_article_is_read_as_an_article(make_site, tmp_path, capsys):
    root = make_site({"a.yaml": minimal_explainer("a")})
    article = "How the Flood Plan Works\n\nThe river rose twice last winter.\n\nWhat does the plan do?\n\nIt raises the banks.\n"
    (tmp_path / "flood.txt").write_bytes(google_text_export(article))
    status, out, err = run(capsys, "import", str(tmp_path / "flood.txt"), "--root", str(root), "--published", "2025-11-04")
    assert status == 0, err
    data = parse_content("x.yaml", (root / "content" / "how-the-flood-plan-works.yaml").read_bytes()).data
    assert data["title"] == "How the Flood Plan Works"


def test_a_doc_in_archieml_with_mistakes_names_each_at_its_line_and_writes_nothing(make_site, tmp_path, capsys):
    root = make_site({"a.yaml": minimal_explainer("a")})
    (tmp_path / "flood.txt").write_bytes(google_text_export(ARCHIEML.replace("short_answer:", "short_anwser:")))
    status, out, err = run(capsys, "import", str(tmp_path / "flood.txt"), "--root", str(root))
    assert status == 1
    assert err.splitlines() == [
        f"{tmp_path / 'flood.txt'}:11:1: sections[0].short_anwser: unknown field 'short_anwser': did you mean 'short_answer'?",
        f"import failed: 1 error(s) in {tmp_path / 'flood.txt'}; fix them in the document and import it again (nothing was written)",
    ]
    assert not (root / "content" / "flood-plan.aml").exists()


def test_a_file_that_is_not_a_word_document_is_refused(make_site, tmp_path, capsys):
    root = make_site({"a.yaml": minimal_explainer("a")})
    (tmp_path / "flood.docx").write_bytes(b"PK\x03\x04 not really")
    status, _, err = run(capsys, "import", str(tmp_path / "flood.docx"), "--root", str(root))
    assert status == 1
    assert err == f"import failed: {tmp_path / 'flood.docx'} is not a Word document (.docx): save it again as .docx, or as plain text\n"


def test_a_word_document_too_large_unpacked_is_refused(make_site, tmp_path, capsys, monkeypatch):
    import zipfile

    root = make_site({"a.yaml": minimal_explainer("a")})
    source = article_docx(tmp_path / "flood.docx")
    # A limit the file is under, but its contents unpacked are not: a zip that unpacks past the
    # limit (a "zip bomb") is refused before it is read.
    limit = source.stat().st_size + 1
    assert sum(entry.file_size for entry in zipfile.ZipFile(source).infolist()) > limit
    monkeypatch.setattr(sources, "ARTICLE_MAX_BYTES", limit)
    status, _, err = run(capsys, "import", str(source), "--root", str(root))
    assert status == 1
    assert err == f"import failed: {source} unpacked is larger than {limit:,} bytes; save only the article's page, or paste its text\n"


def test_a_pipe_that_never_finishes_is_given_up_on_after_the_time_out(make_site, tmp_path, capsys):
    root = make_site({"a.yaml": minimal_explainer("a")})
    fifo = tmp_path / "slow.txt"
    os.mkfifo(fifo)

    def writer() -> None:
        with open(fifo, "w") as stream:
            stream.write("A title\n\n")
            stream.flush()
            time.sleep(1.5)  # longer than the time-out, and then it ends

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        status, _, err = run(capsys, "import", str(fifo), "--root", str(root), "--timeout", "1")
    finally:
        thread.join()
    assert status == 1
    assert err == f"import failed: {fifo} took longer than 1 seconds to read; try again, or save it as a file and import the file\n"


# --- addresses --------------------------------------------------------------------------------


class Pages(http.server.BaseHTTPRequestHandler):
    """A newsroom's server: each path answers as its name says."""

    routes: dict[str, tuple[int, str, bytes]] = {}

    def do_GET(self) -> None:  # noqa: N802 - the standard library's name
        if self.path == "/slow":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            for _ in range(40):
                self.wfile.write(b"<p>more</p>")
                self.wfile.flush()
                time.sleep(0.1)
            return
        status, content_type, body = self.routes.get(self.path, (404, "text/plain", b"no such page"))
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


NEWS_PAGE = b"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Flood plan</title></head>
<body><article><h1>How the Flood Plan Works</h1><p class="dek">The council approved the plan on Tuesday.</p>
<p>The river rose twice last winter, and the town wants to be ready.</p><h2>What does the plan do?</h2>
<p>It raises the banks along Mill Road by one metre.</p></article></body></html>"""


@pytest.fixture(scope="module")
def newsroom(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    docs = tmp_path_factory.mktemp("docs")
    Pages.routes = {
        "/flood": (200, "text/html; charset=utf-8", NEWS_PAGE),
        "/doc.txt": (200, "text/plain; charset=utf-8", google_text_export(ARCHIEML)),
        "/doc.docx": (200, DOCX_TYPE, archieml_docx(docs / "doc.docx").read_bytes()),
        "/photo.png": (200, "image/png", b"\x89PNG\r\n\x1a\n"),
        "/gone": (410, "text/html", b"gone"),
    }
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_a_news_page_is_imported_from_its_address(make_site, newsroom, capsys):
    root = make_site({"a.yaml": minimal_explainer("a")})
    status, out, err = run(capsys, "import", f"{newsroom}/flood", "--root", str(root), "--published", "2025-11-04")
    assert status == 0, err
    assert out.splitlines()[0] == f"imported {newsroom}/flood (html) into {root / 'content' / 'how-the-flood-plan-works.yaml'}"
    data = parse_content("x.yaml", (root / "content" / "how-the-flood-plan-works.yaml").read_bytes()).data
    assert data["made_from"] == [f"{newsroom}/flood"]
    assert [s.get("question") for s in data["sections"]] == ["What does the plan do?"]


@pytest.mark.parametrize("path", ["/doc.txt", "/doc.docx"])
def test_a_doc_in_archieml_is_imported_from_its_export_link(make_site, newsroom, capsys, path):
    root = make_site({"a.yaml": minimal_explainer("a")})
    status, out, err = run(capsys, "import", newsroom + path, "--root", str(root))
    assert status == 0, err
    assert (root / "content" / "flood-plan.aml").is_file()
    assert cli.main(["--root", str(root)]) == 0


@pytest.mark.parametrize("path, message", [
    ("/photo.png", "{url} answered with image/png: import reads a web page (text/html), plain text, Markdown or a Word document (.docx); "
                   "pass --format if the address gives one of those under another name"),
    ("/gone", "{url} answered 410 Gone: check the address"),
])
def test_an_address_that_gives_no_article_is_refused_with_what_it_gave(make_site, newsroom, capsys, path, message):
    root = make_site({"a.yaml": minimal_explainer("a")})
    status, _, err = run(capsys, "import", newsroom + path, "--root", str(root))
    assert status == 1
    assert err == "import failed: " + message.format(url=newsroom + path) + "\n"
    assert sorted(p.name for p in (root / "content").iterdir()) == ["a.yaml"]


def test_an_address_has_the_size_limit_of_a_file(make_site, newsroom, capsys, monkeypatch):
    monkeypatch.setattr(sources, "ARTICLE_MAX_BYTES", 100)
    root = make_site({"a.yaml": minimal_explainer("a")})
    status, _, err = run(capsys, "import", f"{newsroom}/flood", "--root", str(root))
    assert status == 1
    assert err == f"import failed: {newsroom}/flood is larger than 100 bytes; save only the article's page, or paste its text\n"


def test_an_address_that_is_slow_to_answer_is_given_up_on(make_site, newsroom, capsys):
    root = make_site({"a.yaml": minimal_explainer("a")})
    status, _, err = run(capsys, "import", f"{newsroom}/slow", "--root", str(root), "--timeout", "1")
    assert status == 1
    assert err == f"import failed: {newsroom}/slow took longer than 1 seconds to read; try again, or save it as a file and import the file\n"


def test_an_address_nothing_answers_at_says_so(make_site, capsys):
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    root = make_site({"a.yaml": minimal_explainer("a")})
    status, _, err = run(capsys, "import", f"http://127.0.0.1:{port}/flood", "--root", str(root))
    assert status == 1
    assert err == "import failed: cannot reach 127.0.0.1: Connection refused\n"


@pytest.mark.parametrize("url", [
    "https://docs.google.com/document/d/1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcd/edit",
    "https://docs.google.com/document/d/1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcd/edit?usp=sharing",
    "https://docs.google.com/document/u/0/d/1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcd/view#heading=h.1",
    "https://docs.google.com/document/d/1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcd",
])
def test_a_google_docs_address_is_read_as_its_word_export(url):
    assert sources.export_address(url) == "https://docs.google.com/document/d/1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcd/export?format=docx"
    # An export link, or any other address, is read as it is.
    export = "https://docs.google.com/document/d/1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcd/export?format=txt"
    assert sources.export_address(export) == export
    assert sources.export_address("https://example.org/news/flood") == "https://example.org/news/flood"


def test_a_project_without_a_site_file_can_still_import(tmp_path, capsys):
    root = make_project(tmp_path / "p", {"a.yaml": minimal_explainer("a")})
    (root / "site.yaml").unlink()
    (tmp_path / "flood.txt").write_bytes(google_text_export(ARCHIEML))
    status, _, err = run(capsys, "import", str(tmp_path / "flood.txt"), "--root", str(root))
    assert status == 0, err
