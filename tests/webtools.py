"""Browser, accessibility and HTML-validation helpers for the test suite."""

from __future__ import annotations

import functools
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

TOOLS = Path(__file__).parent / "node_modules"
AXE_JS = TOOLS / "axe-core" / "axe.min.js"
PYM_JS = TOOLS / "pym.js" / "dist" / "pym.v1.min.js"
VNU_JAR = TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"
CHROMIUM = Path("/usr/bin/chromium")

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
HTML_SUFFIXES = {".html", ".htm", ".xhtml", ".xht"}


def require_tool(path: Path) -> Path:
    """Return path, failing the test with the install command if it is missing."""
    if not path.exists():
        pytest.fail(f"{path} is missing: run `npm ci --prefix tests` from the repo root", pytrace=False)
    return path


class _SiteHandler(SimpleHTTPRequestHandler):
    """Serves one directory under a URL prefix, with GitHub Pages' 404.html behaviour."""

    def __init__(self, *args: Any, prefix: str, **kwargs: Any) -> None:
        self.prefix = prefix  # set first: the base __init__ handles the request
        super().__init__(*args, **kwargs)

    def _site_path(self, path: str) -> str | None:
        """Map a request path to a path relative to the served root, or None if outside prefix."""
        path = urlsplit(path).path
        if path + "/" == self.prefix:
            return "/"  # "/repo" maps to the root, so the base class redirects to "/repo/"
        if path.startswith(self.prefix):
            return "/" + path[len(self.prefix):]
        return None

    def translate_path(self, path: str) -> str:
        """Translate a prefixed URL path to a file path under the root."""
        return super().translate_path(self._site_path(path) or "/")

    def send_head(self) -> Any:
        """404 anything outside the prefix before the base class looks at files."""
        if self._site_path(self.path) is None:
            self.send_error(404)
            return None
        return super().send_head()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Serve root/404.html with status 404 when it exists, as GitHub Pages does."""
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404, message)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output free of access logs."""


class _QuietServer(ThreadingHTTPServer):
    """A threading server that ignores clients hanging up mid-response."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Drop the tracebacks a browser causes when it cancels a request."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextmanager
def static_server(root: Path, prefix: str = "/") -> Iterator[str]:
    """Serve root over HTTP on 127.0.0.1 under prefix; yield the base URL."""
    if not (prefix.startswith("/") and prefix.endswith("/")):
        raise ValueError(f"prefix must start and end with '/': {prefix!r}")
    handler = functools.partial(_SiteHandler, directory=str(root), prefix=prefix)
    server = _QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}{prefix}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def launch_chromium(playwright: Playwright) -> Browser:
    """Launch Debian's chromium headless; Playwright's own browser builds cannot be downloaded."""
    # The machine has no network beyond package registries: keep chromium from phoning home.
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM),
        headless=True,
        args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
              "--disable-component-update", "--disable-sync", "--no-first-run"],
    )


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless chromium for the whole session."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `apt-get install chromium` (Debian's package)", pytrace=False)
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A page in a fresh browser context, closed after the test."""
    context = browser.new_context()
    yield context.new_page()
    context.close()


def run_axe(page: Page) -> list[dict[str, Any]]:
    """Run axe-core's WCAG 2.x A/AA rules on the page and return its violations."""
    # Evaluated over the DevTools protocol rather than add_script_tag, whose inline
    # <script> a page's Content-Security-Policy blocks; ";void 0" keeps Playwright from
    # treating the source as a function to call.
    page.evaluate(require_tool(AXE_JS).read_text(encoding="utf-8") + "\n;void 0")
    return page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map(n => ({target: n.target, html: n.html, summary: n.failureSummary})),
            }));
        }""",
        AXE_TAGS,
    )


def format_violations(violations: list[dict[str, Any]]) -> str:
    """Render axe violations as readable lines for an assertion message."""
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        lines += [f"    {' '.join(map(str, n['target']))}: {n['html']}" for n in v["nodes"]]
    return "\n".join(lines)


def vnu_errors(paths: list[Path]) -> list[str]:
    """Validate HTML files and directories in one vnu run; return 'file:line: message' strings."""
    for path in paths:
        # --skip-non-html (needed so a directory's CSS, JS and images are not parsed as HTML)
        # would also skip a non-HTML file named here without a word; refuse it instead.
        if not path.exists():
            raise FileNotFoundError(path)
        if path.is_file() and path.suffix not in HTML_SUFFIXES:
            raise ValueError(f"vnu_errors checks HTML only, not {path}")
    command = ["java", "-jar", str(require_tool(VNU_JAR)), "--errors-only", "--format", "json",
               "--exit-zero-always", "--skip-non-html", "--stdout", *map(str, paths)]
    done = subprocess.run(command, capture_output=True, text=True, encoding="utf-8")
    if done.returncode != 0:
        raise RuntimeError(f"vnu failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    errors = []
    for m in json.loads(done.stdout)["messages"]:
        url = m.get("url", "")
        where = unquote(url.removeprefix("file:")) if url.startswith("file:") else url
        line = m.get("lastLine") or m.get("firstLine")
        errors.append(f"{where}:{line}: {m['message']}" if line else f"{where}: {m['message']}")
    return errors


def record_requests(page: Page) -> list[str]:
    """Record the URL of every request the page makes from now on, in order."""
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    return urls
