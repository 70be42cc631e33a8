"""Hostile articles: `import` writes only a file that builds, and refuses in one line, before the
work that grows with it, what no content file could hold or what it cannot read. Each article is
made here; how long each takes is measured by bench/hostile_inputs.py, not asserted.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from helpers import REPO, minimal_explainer

from explainer import cli
from explainer.importer.article import MAX_HEADING_TEXT
from explainer.importer.structure import MAX_DEK_CHARS
from explainer.pipeline import build

AS_USER = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", "--"]
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
BODY = "The council met on Tuesday. It voted on the budget for the new school. The vote was close.\n\n"

# Articles an editor may be given, each odd in one way, and the file each must be imported as.
ARTICLES = {
    # Character references make control characters only once the page is parsed.
    "character-references.html": ("<html><body><article><h1>Budget &#1;vote &#x7f;today &#128;</h1><p>The dek &#2; is short.</p>"
                                  f"<p>{BODY}</p><h2>Why now?</h2><p>Because &#27;[31m the year ends.</p></article></body></html>"),
    "character-references.md": f"# Budget &#1;vote &#x1b;today\n\n{BODY}## Why now?\n\nBecause &#27;[31m the year ends &#x9b;now.\n",
    "heading-of-2000-characters.html": f"<html><body><article><h1>{'Headline ' * 250}</h1><p>{BODY}</p><h2>{'Heading ' * 300}</h2><p>{BODY}</p></article></body></html>",
    "heading-of-2000-characters.md": f"# {'Headline ' * 250}\n\n{BODY}## {'Question ' * 300}?\n\n{BODY}",
    "dek-of-one-long-sentence.html": f"<html><body><article><h1>A title</h1><p class='dek'>{'word, ' * 1000}end.</p><p>{BODY}</p></article></body></html>",
    "first-paragraph-one-long-sentence.txt": f"A title\n\n{'word, ' * 1000}end.\n\n{BODY}",
    "no-title-one-long-sentence.txt": f"{'word, ' * 1000}end.\n\n{BODY}",
}


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = cli.main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize("name", sorted(ARTICLES))
def test_an_odd_article_is_imported_into_a_file_that_builds(make_site, tmp_path, capsys, name):
    root = make_site({"a.yaml": minimal_explainer("a")})
    article = tmp_path / name
    article.write_text(ARTICLES[name], "utf-8")

    status, _, err = run(capsys, "import", str(article), "--root", str(root), "-o", str(root / "content" / "imported.yaml"))

    assert status == 0, err
    text = (root / "content" / "imported.yaml").read_text("utf-8")
    assert not CONTROL.search(text)
    build(root)  # raises BuildError, naming the field, for a file that does not build
    data = yaml.safe_load(text)
    assert len(data["title"]) <= MAX_HEADING_TEXT and len(data["dek"]) <= MAX_DEK_CHARS


def test_a_dek_cut_from_a_long_sentence_ends_after_a_word_and_says_so(make_site, tmp_path, capsys):
    root = make_site({"a.yaml": minimal_explainer("a")})
    article = tmp_path / "a.txt"
    article.write_text(ARTICLES["first-paragraph-one-long-sentence.txt"], "utf-8")
    _, out, _ = run(capsys, "import", str(article), "--root", str(root), "-o", "-")
    dek = next(line for line in out.splitlines() if line.startswith("dek: "))
    assert dek.endswith(", word…") and len(dek) <= len("dek: ") + MAX_DEK_CHARS  # cut after a word, its comma dropped
    assert "this is its first sentence (cut to fit a dek)" in out.replace("\n# ", " ")
    assert f"{'word, ' * 1000}end." in out  # the whole sentence stays in the text


MB = 1_000_000


def _many_paragraphs(path: Path) -> None:
    path.write_text("A title\n\n" + "The council met again and voted on the budget for the new school today.\n\n" * (2 * MB // 70 + 1000), "utf-8")


def _one_long_line(path: Path) -> None:
    path.write_text("x" * 150_000 + "\n", "utf-8")


def _one_long_sentence(path: Path) -> None:
    path.write_text("A title\n\n" + "word, " * 30_000 + "end.\n", "utf-8")


@pytest.mark.parametrize(("make", "message"), [
    (_many_paragraphs, r"the article's text is larger than a content file may hold \(2,000,000 bytes\): import it in parts, or split the article"),
    (_one_long_line, r"a paragraph of the article \(line 1\) is 150,000 characters long, more than a field may hold \(100,000\): split it into paragraphs, "
                     r"or import the article in parts"),
    (_one_long_sentence, r"a paragraph of the article \(line 3\) is 180,004 characters long, more than a field may hold \(100,000\): split it into paragraphs, "
                         r"or import the article in parts"),
], ids=["2-mb-of-text", "150-kb-line", "180-kb-sentence"])
def test_an_article_no_content_file_can_hold_is_refused_in_one_line(make_site, tmp_path, capsys, make, message):
    root = make_site({"a.yaml": minimal_explainer("a")})
    article = tmp_path / "article.txt"
    make(article)
    status, out, err = run(capsys, "import", str(article), "--root", str(root), "--timeout", "0.5")
    assert status == 1
    assert re.fullmatch(f"import failed: {message}\n", err), err
    assert sorted(os.listdir(root / "content")) == ["a.yaml"]


def _page_of_20_mb(path: Path) -> None:
    paragraphs = "".join(f"<p>Vote {i}: the council voted on line {i} of the budget for the new school.</p>\n" for i in range(250_000))
    path.write_text(f"<html><body><nav><a href='/'>Home</a></nav><div><h1>A big page</h1>{paragraphs}</div></body></html>", "utf-8")


def _page_of_60000_elements(path: Path) -> None:
    cells = "".join(f"<tr><td>{i}</td></tr>" for i in range(30_000))
    path.write_text(f"<html><body><h1>A table</h1><p>The votes, one a row.</p><table>{cells}</table></body></html>", "utf-8")


@pytest.mark.parametrize(("make", "message"), [
    (_page_of_20_mb, r"its HTML is 2\d,\d{3},\d{3} bytes, more than the importer reads of a web page \(10,000,000\)"),
    (_page_of_60000_elements, r"its HTML holds 60,00\d elements, more than the importer reads of a web page \(50,000\)"),
], ids=["20-mb", "60000-elements"])
def test_a_web_page_larger_than_any_news_page_is_refused_in_one_line_naming_it(make_site, tmp_path, capsys, make, message):
    root = make_site({"a.yaml": minimal_explainer("a")})
    page = tmp_path / "page.html"
    make(page)
    status, out, err = run(capsys, "import", str(page), "--root", str(root))
    assert (status, out) == (1, "")
    assert re.fullmatch(f"import failed: {re.escape(str(page))}: {message}; save the article's own part of the page, or paste its text\n", err), err
    assert sorted(os.listdir(root / "content")) == ["a.yaml"]


@pytest.mark.subprocess
def test_a_named_pipe_nothing_writes_to_is_given_up_on_after_the_time_out(make_site, tmp_path):
    root = make_site({"a.yaml": minimal_explainer("a")})
    os.mkfifo(tmp_path / "article.txt")
    # In a process of its own: were opening the pipe to wait for a writer, the test would fail, not hang.
    result = subprocess.run([sys.executable, str(REPO / "build.py"), "import", "article.txt", "--root", str(root), "--timeout", "0.5"],
                            capture_output=True, text=True, timeout=30, cwd=tmp_path)
    assert (result.returncode, result.stderr) == (1, "import failed: nothing came through article.txt, a pipe, in 0.5 seconds; write the article to it, or import a file\n")


def test_a_device_is_refused_without_reading_it(make_site, capsys):
    root = make_site({"a.yaml": minimal_explainer("a")})
    status, _, err = run(capsys, "import", "/dev/zero", "--format", "text", "--root", str(root))
    assert (status, err) == (1, "import failed: /dev/zero is a device; name the article's file\n")


def test_a_content_folder_that_is_a_file_is_named_in_one_line(make_site, tmp_path, capsys):
    root = tmp_path / "project"
    root.mkdir()
    (root / "content").write_text("not a folder\n")
    article = tmp_path / "a.txt"
    article.write_text(f"A title\n\n{BODY}", "utf-8")
    status, _, err = run(capsys, "import", str(article), "--root", str(root))
    assert status == 1
    assert err == (f"import failed: cannot write {root / 'content'}: it is a file, not a folder; explainers go in a folder named content, "
                   "or pass -o FILE (nothing was written)\n")
    assert (root / "content").read_text() == "not a folder\n"


@pytest.mark.subprocess
def test_a_content_folder_that_cannot_be_written_is_named_in_one_line(make_site, tmp_path):
    root = make_site({"a.yaml": minimal_explainer("a")})
    article = tmp_path / "a.txt"
    article.write_text(f"A title\n\n{BODY}", "utf-8")
    (root / "content").chmod(0o555)
    try:
        result = subprocess.run([*AS_USER, sys.executable, str(REPO / "build.py"), "import", str(article), "--root", str(root)],
                                capture_output=True, text=True, timeout=60, cwd=tmp_path)
    finally:
        (root / "content").chmod(0o755)
    assert result.returncode == 1
    assert result.stderr == ("import failed: cannot write project/content/a-title.yaml: Permission denied; let the user who imports write there, "
                             "or pass -o FILE (nothing was written)\n")
    assert sorted(os.listdir(root / "content")) == ["a.yaml"]
