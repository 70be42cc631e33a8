"""`python build.py serve`: build, serve site/ on 127.0.0.1, rebuild and reload the browser on every edit.

livereload does the watching, the serving and the reload script, which it injects into pages as
they are served: the script is never written into site/. Rebuilds go through one Builder kept for
the whole session, so an edit re-renders only the pages that depend on what changed.
"""

from __future__ import annotations

import errno
import re
import socket
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from livereload import Server
from livereload.handlers import LiveReloadHandler, StaticFileHandler
from tornado import web

from .errors import BuildError, ContentError
from .pipeline import Builder

# Shown instead of any page while the content is broken; the reload script brings the page back.
ERROR_PAGE = jinja2.Environment(autoescape=True).from_string("""<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Build failed</title>
<style>body{font:1rem/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b;background:#fff}
pre{white-space:pre-wrap;background:#fff4f4;border-left:4px solid #b00020;padding:1rem}</style>
</head>
<body><main>
<h1>Build failed</h1>
<p>The site was not rebuilt. Fix {{ "this mistake" if errors|length == 1 else "these mistakes" }} and save; this page reloads by itself.</p>
<pre>{% for error in errors %}{{ error }}
{% endfor %}</pre>
</main></body>
</html>
""")


@dataclass
class PreviewState:
    """What the last rebuild left: errors, or none when site/ is current."""

    errors: tuple[ContentError, ...] = ()
    builds: int = 0
    history: list[str] = field(default_factory=list)


class SiteHandler(StaticFileHandler):
    """Serves site/ (and only site/), its 404 page for missing files, and the error page while a build is broken."""

    def initialize(self, path: str, default_filename: str | None = None, state: PreviewState | None = None) -> None:  # type: ignore[override]
        super().initialize(path=path, default_filename=default_filename)
        self.state = state or PreviewState()

    async def get(self, path: str, include_body: bool = True) -> None:
        if self.state.errors and (path == "" or path.endswith("/") or path.endswith(".html")):
            self.set_status(500)
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.set_header("Cache-Control", "no-store")
            self.finish(ERROR_PAGE.render(errors=self.state.errors))
            return
        await super().get(path, include_body)

    def set_extra_headers(self, path: str) -> None:
        # Always fetch again: the files change under the browser while editing.
        self.set_header("Cache-Control", "no-store")

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        page = Path(self.root) / "404.html"
        if status_code == 404 and page.is_file():
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.finish(page.read_bytes())
        else:
            super().write_error(status_code, **kwargs)


class OutsideHandler(web.RequestHandler):
    """Below the base path there is nothing to serve: the root redirects to it, the rest is 404."""

    def initialize(self, base_path: str) -> None:
        self.base_path = base_path

    def get(self, path: str) -> None:
        if path == "":
            self.redirect(self.base_path)
        else:
            raise web.HTTPError(404)


class PreviewServer(Server):
    """livereload's server, mounting site/ under the base path."""

    def __init__(self, out: Path, base_path: str, state: PreviewState, url: str):
        super().__init__()
        self.out, self.base_path, self.state, self.url = out, base_path, state, url

    def application(self, *args: Any, **kwargs: Any) -> None:
        super().application(*args, **kwargs)
        # Said only once the port is bound, so whoever reads it can connect at once.
        print(f"Serving {self.url} (Ctrl-C to stop)", flush=True)

    def get_web_handlers(self, script: Any) -> list[Any]:
        handlers: list[Any] = [(rf"{re.escape(self.base_path)}(.*)", SiteHandler, {"path": str(self.out), "default_filename": "index.html", "state": self.state})]
        if self.base_path != "/":
            handlers.append((r"/(.*)", OutsideHandler, {"base_path": self.base_path}))
        return handlers


def free_port(host: str) -> int:
    """A port nothing listens on now, for --port 0."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def port_in_use(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError as exc:
            return exc.errno == errno.EADDRINUSE
    return False


def serve(root: Path, out: Path | None, host: str, port: int, base_path: str, open_browser: bool) -> int:
    """Build, then serve and rebuild until Ctrl-C. Returns the exit status."""
    if port == 0:
        port = free_port(host)
    elif port_in_use(host, port):
        print(f"port {port} on {host} is already in use: stop the other server, pass another --port, or --port 0 to pick a free one", file=sys.stderr)
        return 1
    base_url = f"http://{host}:{port}{base_path}"
    builder = Builder(root, out, base_url, in_place=True)
    state = PreviewState()

    def rebuild() -> None:
        started = time.perf_counter()
        try:
            result = builder.build()
        except BuildError as exc:
            state.errors = tuple(exc.errors)
            for error in exc.errors:
                print(error, file=sys.stderr)
            print(f"build failed: {len(exc.errors)} error(s); the browser shows them until they are fixed", file=sys.stderr, flush=True)
        else:
            state.errors = ()
            elapsed = time.perf_counter() - started
            print(f"rebuilt: {result.rendered} of {result.pages} pages rendered, {result.written} written in {elapsed * 1000:.0f} ms", flush=True)
        state.builds += 1

    rebuild()
    server = PreviewServer(builder.out, base_path, state, base_url)
    for watched in (root / "content", root / "templates", root / "site.yaml"):
        server.watch(str(watched), rebuild)
    # livereload skips a reload that comes within seconds of the last one; an editor saving twice
    # in a row must see both saves.
    LiveReloadHandler.DEFAULT_RELOAD_TIME = 0
    # restart_delay="forever": livereload otherwise reloads every open page once at start-up.
    server.serve(port=port, host=host, root=str(builder.out), restart_delay="forever", open_url_delay=0.5 if open_browser else None)
    return 0
