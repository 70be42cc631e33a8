"""`python build.py serve`: build into a folder of the preview's own, serve it on 127.0.0.1, and
rebuild and reload the browser on every edit.

The preview never writes site/: it builds, with its own address as the base URL, into a temporary
folder that only it writes and that is removed when it stops, so what gets published is only ever
what `python build.py` made. Its builds are one session.Session, which keeps what it may reuse
from one build to the next, so an edit re-renders only the pages that depend on what changed.
livereload serves the folder and injects its reload script into pages as they are served (the
script is never written to disk); the operating system tells the preview of each edit
(watchfiles), where livereload alone would poll for it.
"""

from __future__ import annotations

import errno
import logging
import os
import re
import signal
import socket
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import watchfiles
from livereload import Server
from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler, StaticFileHandler
from livereload.server import LiveScriptInjector
from livereload.watcher import Watcher
from tornado import escape, ioloop, web, websocket

from explainer.content.files import CONTENT_DIR, SITE_FILE
from explainer.core.paths import TEMPLATES_DIR
from explainer.errors import BuildError, ContentError, unforeseen, unprintable
from explainer.output.record import RECORDS
from explainer.output.swap import remove_tree
from explainer.plan.listing import SEARCH_DIR
from explainer.preview.session import Session

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
<pre>{% for error in errors %}{% for line in error.lines() %}{{ line }}
{% endfor %}{% endfor %}</pre>
</main></body>
</html>
""")


@dataclass(frozen=True)
class Unforeseen:
    """A rebuild that failed for a reason no check foresaw, shown as the page's one line."""

    message: str

    def lines(self) -> list[str]:
        return [self.message]


@dataclass
class PreviewState:
    """What the last rebuild left: errors, or none when the preview's folder is current."""

    errors: tuple[ContentError | Unforeseen, ...] = ()


class SiteHandler(StaticFileHandler):
    """Serves the preview's folder (and only it), its 404 page for missing files, and the error page while a build is broken."""

    def initialize(self, path: str, default_filename: str | None = None, state: PreviewState | None = None,  # type: ignore[override]
                   search: Callable[[], None] | None = None) -> None:
        super().initialize(path=path, default_filename=default_filename)
        self.state = state or PreviewState()
        self.search = search  # brings the search index up to date; asked before serving a file of it

    async def get(self, path: str, include_body: bool = True) -> None:
        if unprintable(path):
            # No file of a site has a control character (NUL among them) or half a character in its
            # name, and the system would refuse some ("embedded null byte").
            raise web.HTTPError(400)
        if RECORDS.intersection(path.split("/")):
            raise web.HTTPError(404)  # the build's own records are not the site's: never served
        if self.state.errors and (path == "" or path.endswith("/") or path.endswith(".html")):
            self.set_status(500)
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.set_header("Cache-Control", "no-store")
            self.finish(ERROR_PAGE.render(errors=self.state.errors))
            return
        if self.search is not None and path.startswith(SEARCH_DIR):
            self.search()
        try:
            await super().get(path, include_body)
        except web.HTTPError as exc:
            if exc.status_code == 403:  # a path out of the folder, or to something not a file: nothing to serve
                raise web.HTTPError(404) from None
            raise

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


class ReloadSocket(LiveReloadHandler):
    """livereload's socket, answering only what the reload script of a page the preview served
    sends: a connection from a page of another origin is refused (tornado's own check, which
    livereload turns off), and a message that is not the script's JSON is passed over quietly."""

    check_origin = websocket.WebSocketHandler.check_origin

    def on_message(self, message: str | bytes) -> None:
        try:
            decoded = escape.json_decode(message)
        except ValueError:
            return
        if isinstance(decoded, dict) and isinstance(decoded.get("command"), str):
            super().on_message(message)


class OutsideHandler(web.RequestHandler):
    """Below the base path there is nothing to serve: the root redirects to it, the rest is 404."""

    def initialize(self, base_path: str) -> None:
        self.base_path = base_path

    def get(self, path: str) -> None:
        if path == "":
            self.redirect(self.base_path)
        else:
            raise web.HTTPError(404)


# livereload's snippet that loads its reload script from the server that served the page.
LIVE_SCRIPT = ('<script type="text/javascript">(function(){var s=document.createElement("script");'
               'var port=(window.location.port || (window.location.protocol == "https:" ? 443: 80));'
               's.src="//"+window.location.hostname+":"+port+"/livereload.js?port="+port;document.head.appendChild(s);})();</script>')

# How long the operating system's reports of changes are gathered before a rebuild: an editor's
# save is a write and a rename or two within a few milliseconds.
SETTLE_MS = 20
# How often a watch wakes with nothing to report (its first wake says it is in place).
WAKE_MS = 200


class PushWatcher(Watcher):
    """livereload's watcher, told of each change by the operating system instead of polling.

    Each batch of changes runs the rebuild on the server's own thread, so nothing is served while
    the folder is being written, and then livereload reloads the open pages.
    """

    def __init__(self, root: Path, rebuild: Callable[[], None], pictures: Callable[[], Iterable[str]] = tuple):
        super().__init__()
        self.root, self.rebuild, self.pictures = root, rebuild, pictures
        self._picture_names: set[Path] = set()  # every picture the explainers show, wherever it is in the project
        self.stopped = threading.Event()
        self._tasks = {str(root): {}}  # livereload would otherwise watch the current folder too
        self._callback: Callable[[], None] | None = None

    def begin(self) -> None:
        """Start watching, and return once every watch is in place, so no edit made after is missed."""
        loop = ioloop.IOLoop.current()
        self._watched: set[Path] = set()
        # The site file is watched through its folder, so that an editor saving it by renaming a
        # new file over it is seen too; so is a content/ or templates/ folder made while the
        # preview runs (`explainer theme` makes templates/). Elsewhere in the project, only the
        # pictures the explainers show are (watch_pictures).
        top = lambda change, path: Path(path).name in (SITE_FILE, CONTENT_DIR, TEMPLATES_DIR)  # noqa: E731
        ready = [self._watch_in_thread(loop, [self.root], False, top)]
        ready += [self._watch_in_thread(loop, [folder], True, None) for folder in self._new_folders()]
        for is_ready in ready:
            is_ready.wait(10)

    def watch_pictures(self) -> None:
        """Watch each picture the explainers show (or name, and could not find) outside content/,
        which is watched whole: its folder, for that file only, so a changed picture rebuilds."""
        shown = {(self.root / src).absolute() for src in self.pictures()}
        self._picture_names |= shown
        watched = {self.root / CONTENT_DIR, self.root / TEMPLATES_DIR}
        for folder in sorted({p.parent for p in shown}):
            if folder.is_dir() and folder not in self._watched and not any(folder.is_relative_to(w) for w in watched):
                self._watched.add(folder)
                only = lambda change, path: Path(path).absolute() in self._picture_names  # noqa: E731
                self._watch_in_thread(ioloop.IOLoop.current(), [folder], False, only).wait(10)

    def _new_folders(self) -> list[Path]:
        """content/ and templates/, where they exist and are not watched yet."""
        folders = [p for p in (self.root / CONTENT_DIR, self.root / TEMPLATES_DIR) if p.is_dir() and p not in self._watched]
        self._watched.update(folders)
        return folders

    def _watch_in_thread(self, loop: ioloop.IOLoop, paths: list[Path], recursive: bool, only: Any) -> threading.Event:
        ready = threading.Event()
        threading.Thread(target=self._watch, args=(loop, paths, recursive, only, ready), daemon=True).start()
        return ready

    def _watch(self, loop: ioloop.IOLoop, paths: list[Path], recursive: bool, only: Any, ready: threading.Event) -> None:
        # With yield_on_timeout, the first (empty) batch says the watch is in place.
        for changes in watchfiles.watch(*paths, watch_filter=only, recursive=recursive, step=SETTLE_MS, rust_timeout=WAKE_MS,
                                        yield_on_timeout=True, stop_event=self.stopped, raise_interrupt=False, ignore_permission_denied=True):
            ready.set()
            if changes:
                loop.add_callback(self._changed, sorted(path for _, path in changes)[0])

    def start(self, callback: Callable[[], None]) -> bool:
        """Called by livereload once serving: it takes changes from here from now on."""
        self._callback = callback
        callback()  # livereload's first check, which reloads nothing
        return True

    def _changed(self, path: str) -> None:
        for folder in self._new_folders():  # made since: watch what it holds from now on
            self._watch_in_thread(ioloop.IOLoop.current(), [folder], True, None).wait(10)
        self.rebuild()
        self.watch_pictures()
        self._changes.append((path, None))
        if self._callback is not None:
            self._callback()  # livereload takes the change and reloads the open pages


class PreviewServer(Server):
    """livereload's server, mounting the preview's folder under the base path."""

    def __init__(self, out: Path, base_path: str, state: PreviewState, url: str, watcher: Watcher, search: Callable[[], None] | None = None):
        super().__init__(watcher=watcher)
        self.out, self.base_path, self.state, self.url, self.search = out, base_path, state, url, search

    def _setup_logging(self) -> None:
        """Only what an editor needs: the preview's own lines (the address, each rebuild, the
        mistakes). livereload's notes ("Start watching changes", "Browser Connected") and the
        server's line per request (an error page answered while content is broken is logged as
        "[E ...] 500", which reads like a crash) are left out; a real fault is still logged."""
        quiet = logging.StreamHandler(sys.stderr)
        quiet.setFormatter(logging.Formatter("%(message)s"))
        for name in ("livereload", "tornado"):
            log = logging.getLogger(name)
            log.handlers[:] = [quiet]  # a handler of its own, so tornado sets up none
            log.propagate = False
        logging.getLogger("livereload").setLevel(logging.WARNING)
        logging.getLogger("tornado.access").disabled = True

    def application(self, port: int, host: str, liveport: int | None = None, debug: bool | None = None, live_css: bool = True) -> None:
        """livereload's application, with its socket answering only the pages served here
        (ReloadSocket) and without its /forcereload, which lets any page reload every open page
        and which the reload script never asks for."""
        LiveReloadHandler.watcher = self.watcher
        LiveReloadHandler.live_css = live_css

        class Inject(LiveScriptInjector):
            script = escape.utf8(LIVE_SCRIPT)

        live: list[Any] = [(r"/livereload", ReloadSocket), (r"/livereload.js", LiveReloadJSHandler)]
        web.Application(handlers=live + self.get_web_handlers(Inject.script), transforms=[Inject]).listen(port, address=host)
        # Said only once the port is bound, so whoever reads it can connect at once.
        print(f"Serving {self.url} from {self.out} (Ctrl-C to stop)", flush=True)

    def get_web_handlers(self, script: Any) -> list[Any]:
        handlers: list[Any] = [(rf"{re.escape(self.base_path)}(.*)", SiteHandler, {"path": str(self.out), "default_filename": "index.html", "state": self.state,
                                                                                 "search": self.search})]
        if self.base_path != "/":
            handlers.append((r"/(.*)", OutsideHandler, {"base_path": self.base_path}))
        return handlers


def free_port(host: str) -> int:
    """A port nothing listens on now, for --port 0."""
    with socket.socket(_family(host), socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def cannot_listen(host: str, port: int) -> str | None:
    """Why the preview cannot listen on host and port, in one line saying what to do; None if it can."""
    try:
        with socket.socket(_family(host), socket.SOCK_STREAM) as probe:
            probe.bind((host, port))
    except (socket.gaierror, UnicodeError):
        return f"--host {host!r} is not a name or address this computer can find: pass 127.0.0.1, or 0.0.0.0 to expose the preview to your network"
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            return f"port {port} on {host} is already in use: stop the other server, pass another --port, or --port 0 to pick a free one"
        if exc.errno == errno.EADDRNOTAVAIL:
            return f"--host {host} is not an address of this computer: pass 127.0.0.1, or 0.0.0.0 to expose the preview to your network"
        if exc.errno == errno.EACCES:
            return f"port {port} is reserved for the system: pass a port from 1024 up, or --port 0 to pick a free one"
        return f"cannot listen on {host} port {port}: {exc.strerror or exc}"
    return None


def rebuild_into(session: Session, state: PreviewState) -> None:
    """One rebuild of the preview, and what it says: in the terminal, and, for a failure of any
    kind, on every page in place of the page (state), never the last good page."""
    started = time.perf_counter()
    try:
        result = session.build()
    except BuildError as exc:
        state.errors = tuple(exc.errors)
    except Exception as exc:  # the preview's one boundary: whatever no check foresaw is told, not left as a traceback
        state.errors = (Unforeseen(f"the site could not be rebuilt: {unforeseen(exc)}"),)
        if os.environ.get("EXPLAINER_TRACEBACK"):
            traceback.print_exc()
    else:
        state.errors = ()
        for warning in result.warnings:
            print(warning, file=sys.stderr)
        elapsed = time.perf_counter() - started
        print(f"rebuilt: {result.rendered} of {result.pages} pages rendered, {result.written} written in {elapsed * 1000:.0f} ms", flush=True)
        return
    for error in state.errors:
        print(*error.lines(), sep="\n", file=sys.stderr)
    print(f"build failed: {len(state.errors)} error(s); the browser shows them until they are fixed", file=sys.stderr, flush=True)


def _stop_on_sigterm() -> Callable[[], None]:
    """Make SIGTERM (what `kill`, a process manager or a container's stop sends) stop the preview
    as Ctrl-C does, so its temporary folder is removed; returns what puts the old handler back."""
    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt  # livereload's server stops on it, and serve's `finally` cleans up

    try:
        previous = signal.signal(signal.SIGTERM, stop)
    except ValueError:  # not the main thread: nothing to install
        return lambda: None
    return lambda: signal.signal(signal.SIGTERM, previous)


def serve(root: Path, host: str, port: int, base_path: str, open_browser: bool) -> int:
    """Build, then serve and rebuild until Ctrl-C or SIGTERM. Returns the exit status."""
    problem = cannot_listen(host, port)
    if problem:
        print(f"serve failed: {problem}", file=sys.stderr)
        return 1
    if port == 0:
        port = free_port(host)
    base_url = f"http://{host}:{port}{base_path}"
    folder = Path(tempfile.mkdtemp(prefix="explainer-preview-")) / "site"
    session = Session(root, folder, base_url)
    state = PreviewState()

    def rebuild() -> None:
        rebuild_into(session, state)

    def search() -> None:
        started = time.perf_counter()
        try:
            session.search()
        except BuildError as exc:  # the pages are served still; the search box finds nothing
            for error in exc.errors:
                print(error, file=sys.stderr, flush=True)
        elapsed = time.perf_counter() - started
        if elapsed > 0.05:
            print(f"search index made again in {elapsed * 1000:.0f} ms", flush=True)

    watcher = PushWatcher(root, rebuild, session.pictures)
    restore = _stop_on_sigterm()
    try:
        watcher.begin()  # before the first build, so no edit is missed after it
        rebuild()
        watcher.watch_pictures()
        server = PreviewServer(folder, base_path, state, base_url, watcher, search)
        # livereload skips a reload that comes within seconds of the last one; an editor saving twice
        # in a row must see both saves.
        LiveReloadHandler.DEFAULT_RELOAD_TIME = 0
        # restart_delay="forever": livereload otherwise reloads every open page once at start-up.
        server.serve(port=port, host=host, root=str(folder), restart_delay="forever", open_url_delay=0.5 if open_browser else None)
    except KeyboardInterrupt:
        pass  # stopped before the server was serving
    finally:
        watcher.stopped.set()
        remove_tree(folder.parent)
        restore()
    return 0
