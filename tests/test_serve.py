"""`python build.py serve`: a real server on 127.0.0.1, a real browser, real edits to real files."""

from __future__ import annotations

import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from helpers import REPO, cli, indexed, minimal_explainer
from playwright.sync_api import Page


# How long to wait for something the preview is expected to do at once (start, rebuild, stop):
# only a limit for a preview that hangs, never a measure of speed, so a busy machine does not fail.
PATIENCE = 120
PATIENCE_MS = PATIENCE * 1000


class Preview:
    """A preview server running in its own process, and everything it prints, line by line, as
    it prints it (read by a thread of its own, so waiting for a line never blocks on the pipe)."""

    def __init__(self, process: subprocess.Popen[str]):
        self.process = process
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.printed: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        started = self.wait_for(r"Serving (http://\S+) from (.+) \(Ctrl-C to stop\)$")
        self.url, self.folder = started.group(1), Path(started.group(2))

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)  # the process closed its output: it has stopped

    def wait_for(self, pattern: str) -> re.Match[str]:
        """The next line the preview prints that matches pattern, once it prints it."""
        while True:
            try:
                line = self.lines.get(timeout=PATIENCE)
            except queue.Empty:
                raise AssertionError(f"the preview printed no line like {pattern!r} in {PATIENCE} s: {self.printed[-5:]}") from None
            if line is None:
                raise AssertionError(f"the preview stopped before printing a line like {pattern!r}: {self.printed[-5:]}")
            self.printed.append(line)
            if match := re.search(pattern, line):
                return match

    def stop(self) -> str:
        """Ctrl-C, as a user stops it; once it has stopped, everything it printed."""
        self.process.send_signal(signal.SIGINT)
        self.process.wait(PATIENCE)
        while (line := self.lines.get(timeout=PATIENCE)) is not None:  # up to the reader's end mark
            self.printed.append(line)
        return "\n".join(self.printed) + "\n"


@contextmanager
def serving(root: Path, *args: str) -> Iterator[tuple[str, Preview]]:
    """Run the preview server on a free port; yield its URL and the running preview (whose
    `folder` is the preview's own folder, as it says)."""
    process = subprocess.Popen(
        [sys.executable, str(REPO / "build.py"), "serve", "--root", str(root), "--port", "0", *args],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        preview = Preview(process)
        yield preview.url, preview
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(PATIENCE)
            except subprocess.TimeoutExpired:
                process.kill()


def open_live(page: Page, url: str) -> None:
    """Open a page of the preview, and wait until its reload script has made contact with the
    preview (livereload's handshake), so that it hears of the next rebuild."""
    page.goto(url)
    page.wait_for_function("() => window.LiveReload && window.LiveReload.connector.protocol > 0", timeout=PATIENCE_MS)


def status(url: str) -> int:
    try:
        with urllib.request.urlopen(url) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def edit(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text("utf-8").replace(old, new), "utf-8")


@pytest.mark.subprocess
def test_an_edit_shows_in_the_open_page_and_a_mistake_shows_as_an_error_page(make_site, page):
    root = make_site({"a.yaml": minimal_explainer("a", answer="The first answer.")})
    source = root / "content" / "a.yaml"
    with serving(root) as (url, preview):
        open_live(page, url + "a/")
        assert page.locator("#first h2").inner_text() == "What happened?"

        loads: list[str] = []
        page.on("load", lambda p: loads.append(p.url))
        with page.expect_event("load", timeout=PATIENCE_MS):
            edit(source, "question: What happened?", "question: What happened next?")
        page.locator("#first h2", has_text="What happened next?").wait_for(timeout=PATIENCE_MS)
        assert len(loads) == 1

        edit(source, "dek: A short dek.", "dek: [unclosed")
        # The builds the preview reports are the first edit's and this one's: the first edit was
        # built, and the page reloaded, once.
        assert preview.wait_for(r"^(rebuilt: |build failed: )").group(1) == "rebuilt: "
        assert preview.wait_for(r"^(rebuilt: |build failed: )").group(1) == "build failed: "
        page.get_by_role("heading", name="Build failed").wait_for(timeout=PATIENCE_MS)
        # The mistake in plain words, the line as written, and a caret under the bracket.
        shown = page.locator("pre").inner_text().splitlines()
        assert re.fullmatch(r"content/a\.yaml:3:6: \(yaml\): this list in brackets is never closed: add the '\]' at its end.*", shown[0])
        assert shown[1:3] == ["    3 | dek: [unclosed", "      |      ^"]

        edit(source, "dek: [unclosed", "dek: A short dek.")
        page.locator("#first h2", has_text="What happened next?").wait_for(timeout=PATIENCE_MS)


@pytest.mark.subprocess
def test_a_template_copied_from_the_theme_while_the_preview_runs_is_watched(make_site, page):
    root = make_site({"a.yaml": minimal_explainer("a")})
    assert not (root / "templates").exists()  # a new project's pages all come from the theme
    with serving(root) as (url, _):
        open_live(page, url + "a/")
        assert cli("theme", "_partials/footer.html", "--root", str(root)).returncode == 0
        (root / "templates" / "_partials" / "footer.html").write_text('<footer class="colophon"><p>Our own footer.</p></footer>\n', "utf-8")
        page.locator("footer", has_text="Our own footer.").wait_for(timeout=PATIENCE_MS)


@pytest.mark.subprocess
def test_an_edit_to_one_explainer_rewrites_only_its_pages_the_index_and_the_lists_that_show_its_title(make_site):
    root = make_site({"a.yaml": minimal_explainer("a"), "b.yaml": minimal_explainer("b")})
    with serving(root) as (url, preview):
        site = preview.folder

        def stamp() -> dict[str, tuple[int, int]]:
            return {p.relative_to(site).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns) for p in site.rglob("*.html")}

        before = stamp()
        edit(root / "content" / "a.yaml", "title: A minimal explainer", "title: A retitled explainer")
        preview.wait_for(r"^rebuilt: ")
        assert "retitled" in (site / "index.html").read_text("utf-8")
        after = stamp()
    changed = sorted(path for path in after if after[path] != before[path])
    assert {"a/index.html", "a/first/index.html", "index.html"} <= set(changed)
    # The 404 page offers the newest explainers, and b's page ends with a as a related explainer:
    # both show the title. Nothing else of b's changes.
    assert all(path.startswith("a/") or path in ("index.html", "404.html", "b/index.html") for path in changed)
    assert {"404.html", "b/index.html"} <= set(changed)


@pytest.mark.subprocess
def test_the_previews_search_index_is_made_when_the_browser_asks_for_it_and_follows_each_edit(make_site):
    root = make_site({"a.yaml": minimal_explainer("a", answer="Wombats dig.")})
    with serving(root) as (url, preview):
        assert not (preview.folder / "pagefind").exists()  # an edit reloads the page first
        assert status(url + "pagefind/pagefind-entry.json") == 200
        assert "Wombats dig." in indexed(preview.folder)["/a/first/"]
        edit(root / "content" / "a.yaml", "Wombats", "Numbats")
        preview.wait_for(r"^rebuilt: ")
        assert status(url + "pagefind/pagefind-entry.json") == 200
        assert "Numbats dig." in indexed(preview.folder)["/a/first/"]


@pytest.mark.subprocess
def test_a_picture_changed_outside_content_rebuilds_the_preview_with_its_new_files(make_site):
    from PIL import Image

    content = minimal_explainer("a").replace("published:", "image: {src: photos/lead.png, alt: A field}\npublished:", 1)
    root = make_site({"a.yaml": content, "b.yaml": minimal_explainer("b")})
    (root / "photos").mkdir()
    Image.new("RGB", (600, 300), (200, 40, 40)).save(root / "photos" / "lead.png")
    (root / "photos" / "notes.txt").write_text("not a picture any explainer shows", "utf-8")
    with serving(root) as (url, preview):
        page = preview.folder / "a" / "index.html"
        first = re.findall(r"images/([0-9a-f]+)-", page.read_text("utf-8"))
        (root / "photos" / "notes.txt").write_text("changed", "utf-8")  # not watched: nothing to rebuild
        Image.new("RGB", (600, 300), (40, 40, 200)).save(root / "photos" / "lead.png")
        preview.wait_for(r"^rebuilt: ")
        second = re.findall(r"images/([0-9a-f]+)-", page.read_text("utf-8"))
        assert first and second and set(first).isdisjoint(second)
        assert "b/index.html" not in [line for line in preview.printed if "b/" in line]  # only the explainer that shows it


@pytest.mark.subprocess
def test_the_preview_serves_under_a_base_path(make_site, page):
    root = make_site({"a.yaml": minimal_explainer("a")})
    with serving(root, "--base-path", "/repo/") as (url, _):
        assert url.endswith("/repo/")
        origin = url.removesuffix("/repo/")
        page.goto(origin + "/")
        assert page.url == url
        page.get_by_role("link", name="A minimal explainer").click()
        assert page.url == url + "a/"
        assert status(origin + "/a/") == 404


@pytest.mark.subprocess
def test_the_preview_serves_nothing_outside_the_site_folder(make_site):
    root = make_site({"a.yaml": minimal_explainer("a")})
    (root / "secret.txt").write_text("not for the browser")
    with serving(root) as (url, _):
        for path in ("../secret.txt", "..%2fsecret.txt", "%2e%2e/secret.txt", "../site.yaml", "a/../../secret.txt"):
            with socket.create_connection(("127.0.0.1", int(url.split(":")[2].strip("/")))) as conn:
                conn.sendall(f"GET /{path} HTTP/1.0\r\n\r\n".encode())
                reply = b"".join(iter(lambda: conn.recv(65536), b""))
            assert b"not for the browser" not in reply and b"base_url" not in reply, path
            assert not reply.startswith(b"HTTP/1.1 200"), path


MALFORMED = {
    "/%00": 400, "/a/%00/index.html": 400, "/%0a": 400, "/%1b[31m": 400, "/%7f": 400,  # control characters, NUL among them
    "/%ff": 400, "/%ed%a0%80": 400, "/%c0%ae%c0%ae/": 400,  # bytes that are not UTF-8 text
    "//etc/passwd": 404, "/%2e%2e/site.yaml": 404, "/a/%2e%2e/%2e%2e/site.yaml": 404,  # out of the folder: nothing there
    "/" + "a" * 4000: 404, "/a/" + "b/" * 2000: 404, "/%": 404,
}


@pytest.mark.subprocess
def test_the_preview_answers_malformed_paths_with_400_or_404_and_no_traceback(make_site):
    root = make_site({"a.yaml": minimal_explainer("a")})
    with serving(root) as (url, preview):
        port = int(url.split(":")[2].strip("/"))
        for path, expected in MALFORMED.items():
            with socket.create_connection(("127.0.0.1", port)) as conn:
                conn.sendall(f"GET {path} HTTP/1.0\r\n\r\n".encode())
                reply = b"".join(iter(lambda: conn.recv(65536), b""))
            assert reply.split(b"\r\n", 1)[0] == f"HTTP/1.1 {expected} {'Bad Request' if expected == 400 else 'Not Found'}".encode(), path[:40]
        assert status(url + "a/") == 200  # and it goes on serving
        output = preview.stop()
    assert "Traceback" not in output and " 500 " not in output


def test_a_port_in_use_gets_a_clear_message(make_site):
    root = make_site({"a.yaml": minimal_explainer("a")})
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = cli("serve", "--root", str(root), "--port", str(port))
    assert result.returncode == 1
    assert f"port {port} on 127.0.0.1 is already in use" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.subprocess
def test_ctrl_c_stops_the_server_cleanly(make_site):
    root = make_site({"a.yaml": minimal_explainer("a")})
    with serving(root) as (url, preview):
        assert status(url) == 200
        output = preview.stop()
    assert preview.process.returncode == 0
    assert "Traceback" not in output
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(url, timeout=2)


@pytest.mark.subprocess
def test_the_reload_script_is_served_but_never_written_into_a_page(make_site):
    root = make_site({"a.yaml": minimal_explainer("a")})
    with serving(root) as (url, preview):
        with urllib.request.urlopen(url + "a/") as response:
            assert b"livereload.js" in response.read()
        pages = list(preview.folder.rglob("*.html"))
        assert pages and not any("livereload" in path.read_text("utf-8") for path in pages)


def addresses(site: Path) -> set[str]:
    """The scheme and host of every absolute address in the site's pages and files."""
    found = set()
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".json", ".txt"):
            found |= set(re.findall(r"https?://[^/\"'<>\s]+", path.read_text("utf-8")))
    return found


@pytest.mark.subprocess
def test_the_preview_never_writes_site_and_a_build_beside_it_keeps_the_sites_own_address(make_site):
    root = make_site({"a.yaml": minimal_explainer("a"), "b.yaml": minimal_explainer("b")})
    with serving(root) as (url, preview):
        assert not (root / "site").exists()
        # A build in another terminal while the preview runs, then an edit to one explainer.
        built = cli("--root", str(root))
        assert built.returncode == 0, built.stderr
        published = {p.relative_to(root / "site"): p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()}
        edit(root / "content" / "a.yaml", "It happened.", "It happened in the preview.")
        preview.wait_for(r"^rebuilt: ")
        assert b"in the preview" in urllib.request.urlopen(url + "a/").read()
        # The preview's pages carry its own address; site/ is exactly what the build made, with the site's.
        assert {"http://127.0.0.1"} <= {a.rsplit(":", 1)[0] for a in addresses(preview.folder)}
        assert {p.relative_to(root / "site"): p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()} == published
        assert not any("127.0.0.1" in a for a in addresses(root / "site"))
        folder = preview.folder
    # The preview's folder goes when the preview stops.
    assert not folder.exists()


# --- what the preview answers besides pages: its socket, its control paths, its own records ------

def talk(url: str, origin: str, messages: list[str]) -> list[str]:
    """_talk, on a thread of its own: the browser's tests may have left an event loop running on this one."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, _talk(url, origin, messages)).result()


async def _talk(url: str, origin: str, messages: list[str]) -> list[str]:
    """Open the reload socket as a page of `origin` would, send messages, and return its answers."""
    from tornado import httpclient, websocket

    request = httpclient.HTTPRequest(url.replace("http://", "ws://") + "livereload", headers={"Origin": origin})
    connection = await websocket.websocket_connect(request)
    for message in messages:
        await connection.write_message(message)
    answers = [await connection.read_message()]
    connection.close()
    return [a for a in answers if a is not None]


@pytest.mark.subprocess
def test_the_reload_socket_and_control_paths_answer_only_the_pages_the_preview_served(make_site):
    from tornado import httpclient

    root = make_site({"a.yaml": minimal_explainer("a")})
    with serving(root) as (url, preview):
        origin = url.rstrip("/")
        # Messages that are not the reload script's are passed over; the script's hello is answered.
        junk = ["not json", "[1, 2]", '{"no": "command"}', '{"command": 7}', "\x00\xff"]
        answers = talk(url, origin, [*junk, '{"command": "hello", "protocols": []}'])
        assert answers and '"command": "hello"' in answers[0]
        # A page of another origin cannot open it.
        with pytest.raises(httpclient.HTTPClientError) as refused:
            talk(url, "http://elsewhere.example", ['{"command": "hello"}'])
        assert refused.value.code == 403
        # Nothing lets a page reload every open page; the build's records are not served.
        for path in ("forcereload", "forcereload?path=*", ".explainer-site", ".explainer-stamps", "a/.explainer-group"):
            assert status(url + path) == 404, path
        assert status(url + "a/") == 200
        output = preview.stop()
    assert "Traceback" not in output and "Uncaught" not in output and "Error" not in output


@pytest.mark.subprocess
def test_a_rebuild_that_fails_outside_the_content_shows_the_error_page_not_the_last_good_page(make_site):
    root = make_site({"a.yaml": minimal_explainer("a")})
    with serving(root) as (url, preview):
        assert status(url + "a/") == 200
        # A template that includes itself recurses until Python stops it: before, the preview kept
        # serving the last good page with 200.
        override_path = root / "templates" / "_partials" / "footer.html"
        override_path.parent.mkdir(parents=True)
        override_path.write_text('{% include "_partials/footer.html" %}\n', "utf-8")
        preview.wait_for(r"^build failed: ")
        with pytest.raises(urllib.error.HTTPError) as failed:
            urllib.request.urlopen(url + "a/")
        assert failed.value.code == 500
        assert "templates/_partials/footer.html:1:1: (template): includes, extends or calls itself" in failed.value.read().decode()
        output = preview.stop()
    assert "Traceback" not in output


def test_a_rebuild_that_fails_for_a_reason_no_check_foresaw_is_shown_in_one_line(capsys):
    from explainer.preview.server import PreviewState, rebuild_into

    class Failing:
        def build(self):  # type: ignore[no-untyped-def]
            raise KeyError("summary")

    state = PreviewState()
    rebuild_into(Failing(), state)  # type: ignore[arg-type]
    assert [line for e in state.errors for line in e.lines()] == [
        "the site could not be rebuilt: KeyError: 'summary'. This is a fault in the generator, not in your project: please report it with the "
        "command you ran (set EXPLAINER_TRACEBACK=1 to see where it happened)"]
    assert capsys.readouterr().err.splitlines()[-1] == "build failed: 1 error(s); the browser shows them until they are fixed"
