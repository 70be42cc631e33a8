"""The editing page: published with a form made from the explainer schema (which covers every field
of it: tests/unit/test_cms_form.py), and, in Decap CMS from npm driven in Chromium with
decap-server as its back end, creates and edits explainers that build."""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import REPO, make_project
from webtools import TOOLS, require_tool, static_server, vnu_errors

from explainer.content import cms
from explainer.content.parse import parse_content

DECAP_JS = TOOLS / "decap-cms" / "dist" / "decap-cms.js"
DECAP_SERVER = TOOLS / "decap-server" / "dist" / "index.js"
EDITING = cms.Editing("newsroom/explainers", "main", "decap", "../explainer/schema/explainer.schema.json")


def test_the_editing_page_loads_the_app_it_names_and_only_that_file():
    require_tool(DECAP_JS)
    url, integrity, _ = cms.APPS["decap"]
    assert url.endswith("/decap-cms@3.16.3/dist/decap-cms.js")
    digest = base64.b64encode(hashlib.sha384(DECAP_JS.read_bytes()).digest()).decode()
    assert integrity == f"sha384-{digest}"
    page = cms.admin_page(EDITING, "Explainers & Co")
    assert f'<script src="{url}" integrity="{integrity}" crossorigin="anonymous"></script>' in page
    assert "<title>Editing page · Explainers &amp; Co</title>" in page


@pytest.mark.subprocess  # the HTML checker
def test_a_site_with_editing_on_publishes_the_page_and_its_config(seed_site):
    assert vnu_errors([seed_site / "admin" / "index.html"]) == []
    config = yaml.safe_load((seed_site / "admin" / "config.yml").read_text("utf-8"))
    assert config["backend"] == {"name": "github", "repo": "explainer/explainer", "branch": "main"}
    assert config["collections"][0]["fields"][0]["comment"] == "yaml-language-server: $schema=../explainer/schema/explainer.schema.json"
    assert (seed_site / "admin" / "index.html").is_file()
    assert "admin" not in (seed_site / "sitemap.xml").read_text("utf-8")


def test_a_site_without_editing_publishes_no_editing_page(tmp_path):
    from explainer.pipeline import build

    site = "\n".join(line for line in (REPO / "site.yaml").read_text("utf-8").splitlines()
                     if not line.startswith(("editing:", "  repo:", "  app:", "# The editing page")))
    root = make_project(tmp_path / "p", None, site=site + "\n")
    build(root)
    assert not (root / "site" / "admin").exists()


# --- Decap CMS in Chromium --------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


CORS = {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Headers": "Content-Type", "Access-Control-Allow-Methods": "POST, OPTIONS"}


def _forward(route: Any, port: int) -> None:
    """A request of the page to Decap's local back end, sent on to decap-server's port as it is
    (its body, UTF-8, byte for byte) and answered with decap-server's answer."""
    request = route.request
    if request.method == "OPTIONS":
        route.fulfill(status=204, headers=CORS)
        return
    sent = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1", data=request.post_data_buffer, method=request.method,
                                  headers={"Content-Type": "application/json", "Origin": "http://localhost"})
    try:
        with urllib.request.urlopen(sent, timeout=60) as answer:
            status, body = answer.status, answer.read()
    except urllib.error.HTTPError as exc:
        status, body = exc.code, exc.read()
    route.fulfill(status=status, body=body, headers={**CORS, "Content-Type": "application/json"})


class Decap:
    """The editing page of a project, served on 127.0.0.1, open in Chromium on Decap CMS (the npm
    package's own file) with decap-server, Decap's local back end, writing into the project."""

    def __init__(self, root: Path, base: str, page: Any):
        self.root, self.base, self.page = root, base, page

    def label(self, text: str) -> Any:
        labels = [label for label in self.page.locator("label").all() if label.inner_text().strip().upper().removesuffix(" (OPTIONAL)") == text.upper()]
        return labels[-1]  # the one just added, in a form that repeats a field

    def fill(self, text: str, value: str) -> None:
        self.page.locator(f"[id='{self.label(text).get_attribute('for')}']").fill(value)

    def write_markdown(self, text: str, value: str) -> None:
        editor = self.label(text).locator("xpath=../..").locator("[contenteditable=true]")
        editor.click()
        self.page.keyboard.type(value)

    def open(self, route: str, shows: str) -> None:
        """Load the editing page afresh at a route (`#/collections/explainers/new`), signed in, and
        wait until it shows the given text."""
        self.page.goto(f"{self.base}admin/{route}")
        self.page.reload()
        login = self.page.get_by_role("button", name="Login")
        shown = self.page.get_by_text(shows).first
        login.or_(shown).first.wait_for()
        if login.is_visible():
            login.click()
        shown.wait_for()

    def publish(self, path: Path) -> None:
        """Publish the entry, and wait for decap-server to have written it to path."""
        before = path.read_bytes() if path.exists() else None
        self.page.get_by_role("button", name="Publish", exact=True).click()
        self.page.get_by_role("menuitem", name="Publish now").click()
        deadline = time.monotonic() + 60
        while (path.read_bytes() if path.exists() else None) == before:
            if time.monotonic() > deadline:
                self.page.screenshot(path=str(path.parent.parent / "not-published.png"), full_page=True)
                server_log = (self.root.parent / "decap-server.log").read_text("utf-8")
                pytest.fail(f"{path} was not written; decap-server said: {server_log[-2000:]}")
            self.page.wait_for_timeout(100)  # a Playwright call, in which the page's requests are forwarded


@pytest.fixture(scope="session")
def decap(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Decap]:
    from explainer.pipeline import build

    require_tool(DECAP_JS)
    require_tool(DECAP_SERVER)
    site_file = (REPO / "site.yaml").read_text("utf-8").replace("app: sveltia", "app: decap")
    root = make_project(tmp_path_factory.mktemp("cms") / "project", None, site=site_file)
    # As in this repository, whose content files name the schema in the package's folder.
    shutil.copytree(REPO / "explainer" / "schema", root / "explainer" / "schema")
    port = _free_port()
    log = open(root.parent / "decap-server.log", "w")  # noqa: SIM115 - closed with the server
    server = subprocess.Popen(["node", str(DECAP_SERVER)], cwd=root, stdout=log, stderr=subprocess.STDOUT,
                              env={**os.environ, "PORT": str(port), "BIND_HOST": "127.0.0.1", "MODE": "fs", "GIT_REPO_DIRECTORY": str(root), "LOG_LEVEL": "error"})
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        with static_server(root / "site") as base:
            build(root, base_url=base)
            page = context.new_page()
            # No network here: the page's script is served from the npm package it pins, and Decap's
            # local back end address (localhost:8081, as Decap sets it) reaches decap-server's port.
            page.route(cms.APPS["decap"][0], lambda route: route.fulfill(path=str(DECAP_JS), content_type="application/javascript",
                                                                         headers={"Access-Control-Allow-Origin": "*"}))
            page.route("http://localhost:8081/api/v1**", lambda route: _forward(route, port))
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.2)
            page.goto(base + "admin/")
            page.get_by_role("button", name="Login").click()
            page.get_by_text("Why Does Trump Want to Meet Putin Again?").first.wait_for()
            yield Decap(root, base, page)
    finally:
        context.close()
        server.terminate()
        server.wait(10)
        log.close()


def test_an_explainer_with_a_question_and_a_deck_made_on_the_editing_page_builds(decap):
    from explainer.pipeline import build

    page = decap.page
    decap.open("#/collections/explainers/new", "Add sections")
    decap.fill("Slug", "council-budget")
    decap.fill("Title", "What the Council’s Budget Vote Means")
    decap.fill("Dek", "The council votes on next year’s budget on 12 March.")
    decap.fill("Published", "2026-02-20 09:30 +01:00")  # a date, or a date and a time with its zone
    page.get_by_role("button", name="Add sections").click()
    page.get_by_role("menuitem", name="Question", exact=True).click()
    decap.fill("Id", "how-big-is-the-gap")
    decap.fill("Question", "How big is the gap?")
    decap.fill("Short answer", "The council expects to spend 9 million more than it takes in.")
    decap.write_markdown("Answer", "It has three ways to close the gap.")
    page.get_by_role("button", name="Add cards").click()
    decap.fill("Id", "service-cuts")
    decap.fill("Title", "Service cuts")
    decap.fill("Summary", "Shorter opening hours and fewer bin collections.")
    decap.write_markdown("Detail", "Libraries and pools would open four days a week.")
    written = decap.root / "content" / "council-budget.yaml"
    decap.publish(written)

    data = parse_content("content/council-budget.yaml", written.read_bytes()).data
    assert data["sections"][0]["type"] == "question" and data["sections"][0]["cards"][0]["id"] == "service-cuts"
    assert written.read_text("utf-8").startswith("# yaml-language-server: $schema=")
    build(decap.root)
    html = (decap.root / "site" / "council-budget" / "index.html").read_text("utf-8")
    assert "How big is the gap?" in html and "Service cuts" in html and "It has three ways to close the gap." in html
    assert '<time datetime="2026-02-20T09:30:00+01:00">' in html
    assert (decap.root / "site" / "council-budget" / "service-cuts" / "index.html").is_file()


def test_an_edit_on_the_editing_page_changes_that_field_and_nothing_else(decap):
    path = decap.root / "content" / "why-trump-wants-to-meet-putin-again.yaml"
    before = parse_content(str(path), path.read_bytes()).data
    decap.open("#/collections/explainers/entries/why-trump-wants-to-meet-putin-again", "Lessons from Alaska and the Path to Budapest")
    decap.fill("Dek", "Trump plans to meet Putin in Budapest. What is he after?")
    decap.publish(path)
    after = parse_content(str(path), path.read_bytes()).data
    assert after["dek"] == "Trump plans to meet Putin in Budapest. What is he after?"
    assert {**after, "dek": before["dek"]} == before  # every other field, in every section, as it was
    assert list(after) == list(before) and [list(s) for s in after["sections"]] == [list(s) for s in before["sections"]]
    assert path.read_text("utf-8").splitlines()[0] == "# yaml-language-server: $schema=../explainer/schema/explainer.schema.json"
