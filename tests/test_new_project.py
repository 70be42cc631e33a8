"""A newsroom's own site, as a newcomer makes it: the README's "Start your own site" steps, run as
written in a fresh virtual environment with a non-editable install, then `explainer new`, a build
with no templates of its own, one partial overridden, brand settings, and a refused accent."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from coloraide import Color
from helpers import REPO, parse, tree
from PIL import Image

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

def not_in_a_clone(folder: str, names: list[str]) -> set[str]:
    """What a checkout holds that a clean clone does not: builds, environments, caches."""
    top = {".git", "site", "site.tmp", "site.old", "build", "dist", ".venv"} if Path(folder) == REPO else set()
    anywhere = {"node_modules", "__pycache__", ".pytest_cache", ".hypothesis"}
    return {n for n in names if n in top | anywhere or n.endswith(".egg-info") or (Path(folder) == REPO / "bench" and n == "out")}
VERSION = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]["version"]


def readme_block(heading: str) -> str:
    """The first shell block under a README heading, as a reader would copy it."""
    text = (REPO / "README.md").read_text("utf-8")
    section = text[text.index(f"\n## {heading}\n"):]
    return re.search(r"```sh\n(.*?)```", section, re.S).group(1)


class Newcomer:
    """What the README's steps left: the environment they made and the project in it."""

    def __init__(self, base: Path, env: dict[str, str]):
        self.base, self.env = base, env
        self.bin = base / "home" / "explainer-env" / "bin"
        self.project = base / "my-explainers"

    def run(self, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(self.bin / "explainer"), *args], cwd=cwd, env=self.env, capture_output=True, text=True, timeout=120)

    def new(self, name: str) -> Path:
        result = self.run("new", name, cwd=self.base)
        assert result.returncode == 0, result.stderr
        return self.base / name


@pytest.fixture(scope="module")
def newcomer(tmp_path_factory) -> Newcomer:
    base = tmp_path_factory.mktemp("newcomer")
    shutil.copytree(REPO, base / "repository", ignore=not_in_a_clone)
    (base / "home").mkdir()
    # A home of its own, so `~` in the steps is a fresh folder; the path without this test run's
    # environment, so the steps make and use their own. (pyenv, where Python comes from it, keeps
    # its own folder.)
    path = os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep) if not Path(p, "activate").is_file())
    env = {**os.environ, "HOME": str(base / "home"), "PATH": path, "PYENV_ROOT": os.environ.get("PYENV_ROOT", str(Path.home() / ".pyenv"))}
    env.pop("VIRTUAL_ENV", None)
    env.pop("PYTHONPATH", None)
    steps = readme_block("Start your own site")
    result = subprocess.run(["bash", "-e", "-c", steps], cwd=base / "repository", env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    newcomer = Newcomer(base, env)
    newcomer.steps_output = result.stdout  # type: ignore[attr-defined]
    return newcomer


def test_the_readme_steps_install_the_tool_and_build_a_new_site_with_the_default_theme(newcomer):
    project = newcomer.project
    assert sorted(p.relative_to(project).as_posix() for p in project.rglob("*") if p.is_file() and "site" not in p.parts) == [
        ".github/workflows/pages.yml", ".gitignore", "README.md", "content/how-this-site-works.yaml", "requirements.txt",
        "schema/explainer.schema.json", "schema/site.schema.json", "schema/words.schema.json", "site.yaml",
    ]
    assert not (project / "templates").exists()
    page = parse(project / "site" / "how-this-site-works" / "index.html")
    assert page.xpath("string(//h1)") == "How This Site Works"
    assert page.xpath("//footer[@class='colophon']//text()[normalize-space()]")
    # The tool and its theme are the installed copies, not this checkout.
    where = subprocess.run([str(newcomer.bin / "python"), "-c", "import explainer, explainer.core.paths; print(explainer.__file__); print(explainer.core.paths.default_theme())"],
                           cwd=newcomer.base, env=newcomer.env, capture_output=True, text=True, check=True).stdout.split()
    env_folder = (newcomer.base / "home" / "explainer-env").resolve()
    assert all(Path(p).resolve().is_relative_to(env_folder) for p in where), where
    assert Path(where[1]).name == "theme" and (Path(where[1]) / "base.html").is_file()


def test_the_new_sites_example_builds_with_no_warning(newcomer):
    # The first build a newcomer runs is the example's: it shows how to write, so it draws no warning.
    result = newcomer.run("--strict", cwd=newcomer.project)
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr


def test_the_help_names_the_command_as_it_was_typed(newcomer):
    result = newcomer.run("--help", cwd=newcomer.base)
    assert result.stdout.startswith("usage: explainer ")
    assert "new" in result.stdout and "build.py" not in result.stdout


def test_new_refuses_a_folder_that_holds_files(newcomer):
    result = newcomer.run("new", "my-explainers", cwd=newcomer.base)
    assert result.returncode == 1
    assert result.stderr.strip() == "new failed: my-explainers already exists and is not empty: choose a new folder, or empty this one"


def test_the_new_project_pins_the_generator_and_says_when_github_cannot_install_it(newcomer):
    # Installed from a folder: no line pip could install (the index has no package of this name).
    assert (newcomer.project / "requirements.txt").read_text("utf-8").splitlines()[-1].startswith("# explainer @ <where your newsroom")
    # Installed from a folder, which GitHub cannot reach: the steps' output says what to do.
    assert "installed from a folder on this computer, which GitHub cannot reach" in newcomer.steps_output


@pytest.mark.subprocess
def test_the_example_explainer_validates_against_the_schema_its_first_line_names(newcomer):
    content = newcomer.project / "content" / "how-this-site-works.yaml"
    named = re.fullmatch(r"# yaml-language-server: \$schema=(\S+)", content.read_text("utf-8").splitlines()[0]).group(1)
    schema = (content.parent / named).resolve()
    result = subprocess.run([sys.executable, "-m", "check_jsonschema", "--schemafile", str(schema), str(content)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    # The built site publishes the same schema at a stable address below its base URL.
    assert (newcomer.project / "site" / "schema" / "explainer.schema.json").read_bytes() == schema.read_bytes()
    assert (newcomer.project / "site" / "schema" / "site.schema.json").read_bytes() == (REPO / "explainer" / "schema" / "site.schema.json").read_bytes()


FOOTER = re.compile(r'<footer class="colophon">.*?</footer>', re.S)


def test_an_override_of_one_partial_changes_only_that_part_of_every_page(newcomer):
    project = newcomer.new("footer-site")
    assert newcomer.run(cwd=project).returncode == 0
    before = {path: text for path, text in html_pages(project / "site").items()}
    copied = newcomer.run("theme", "_partials/footer.html", cwd=project)
    assert copied.returncode == 0, copied.stderr
    override = project / "templates" / "_partials" / "footer.html"
    override.write_text('<footer class="colophon"><p>Our own footer, with <a href="https://example.org/corrections">corrections</a>.</p></footer>\n', "utf-8")

    result = newcomer.run(cwd=project)

    assert result.returncode == 0, result.stderr
    after = html_pages(project / "site")
    with_footer = [path for path, text in before.items() if FOOTER.search(text)]
    assert len(with_footer) >= 5  # the index, the explainer, its questions, its cards, the 404 page
    for path in with_footer:
        assert "Our own footer" in after[path], path
        assert FOOTER.sub("", after[path]) == FOOTER.sub("", before[path]), path
    assert all(after[path] == before[path] for path in before if path not in with_footer)
    assert sorted(after) == sorted(before)
    # Only the pages that use the footer were rendered again, and the search index made again
    # from them (its files, unchanged, are not written again).
    search = [p for p in (project / "site" / "pagefind").rglob("*") if p.is_file()]
    rendered = len(with_footer) + len(search)
    assert re.search(rf"built (\d+) pages \({rendered} rendered, (\d+) reused, {len(with_footer)} written\)", result.stdout), result.stdout


def html_pages(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): p.read_text("utf-8") for p in site.rglob("*.html")}


BRAND = """\
brand:
  accent: "#7a1f5c"
  font: Georgia, "Times New Roman", serif
  logo: assets/masthead.png
  footer: Published by the *Example Gazette*. [Corrections](https://example.org/corrections)
"""


def test_brand_settings_reach_the_css_and_the_logo_is_copied_and_sized(newcomer):
    project = newcomer.new("brand-site")
    (project / "assets").mkdir()
    Image.new("RGB", (600, 150), "#7a1f5c").save(project / "assets" / "masthead.png")
    (project / "site.yaml").write_text((project / "site.yaml").read_text("utf-8") + BRAND, "utf-8")

    result = newcomer.run(cwd=project)

    assert result.returncode == 0, result.stderr
    page = parse(project / "site" / "how-this-site-works" / "index.html")
    css = page.xpath("string(//style)")
    assert "--accent:#7a1f5c" in css
    dark = re.search(r"prefers-color-scheme:dark\)\{:root\{[^}]*--accent:(#[0-9a-f]{6})", css).group(1)
    assert dark != "#8cc4ff" and Color(dark).contrast("#121417") >= 4.5 and Color(dark).contrast("#1d2127") >= 4.5
    assert 'font:1.0625rem/1.6 Georgia, "Times New Roman", serif' in css
    footer = page.xpath("//footer[@class='colophon']")[0]
    assert footer.xpath("string(.)").split() == ["Published", "by", "the", "Example", "Gazette.", "Corrections"]
    assert footer.xpath(".//em/text()") == ["Example Gazette"] and footer.xpath(".//a/@href") == ["https://example.org/corrections"]
    logo = page.xpath("//header[@class='masthead']//img")[0]
    assert (logo.get("src"), logo.get("width"), logo.get("height"), logo.get("alt")) == ("/assets/logo.png", "160", "40", "Brand Site")
    with Image.open(project / "site" / "assets" / "logo.png") as image:
        assert (image.format, image.size) == ("PNG", (320, 80))  # twice the size shown, for sharp screens
    # The embeds carry the brand too.
    embed = parse(next((project / "site" / "how-this-site-works").glob("embed/*/index.html")))
    assert "--accent:#7a1f5c" in embed.xpath("string(//style)")


@pytest.mark.parametrize("setting, pair", [
    ('accent: "#e0a030"', "#e0a030 has a contrast of 2.1:1 on the light card background (#f5f6f8); link text needs at least 4.5:1 (WCAG 2.2 AA): choose a darker colour"),
    ('accent_dark: "#3a3f8f"', "#3a3f8f has a contrast of 1.8:1 on the dark card background (#1d2127); link text needs at least 4.5:1 (WCAG 2.2 AA): choose a lighter colour"),
])
def test_a_brand_colour_that_fails_contrast_is_refused_naming_the_pair(newcomer, setting, pair):
    project = newcomer.new(f"contrast-{setting.split(':')[0]}")
    assert newcomer.run(cwd=project).returncode == 0
    before = tree(project / "site")
    text = (project / "site.yaml").read_text("utf-8") + f"brand:\n  {setting}\n"
    (project / "site.yaml").write_text(text, "utf-8")

    result = newcomer.run(cwd=project)

    assert result.returncode == 1
    line = len(text.splitlines())
    field = setting.split(":")[0]
    assert result.stderr.splitlines()[0] == f"site.yaml:{line}:{len(field) + 5}: brand.{field}: {pair}"
    assert tree(project / "site") == before


def test_theme_lists_the_templates_and_refuses_a_name_it_does_not_have(newcomer):
    project = newcomer.new("theme-site")
    listed = newcomer.run("theme", cwd=project).stdout.splitlines()
    assert "base.html" in listed and "_partials/footer.html" in listed and len(listed) == len({p for p in listed})
    wrong = newcomer.run("theme", "_partials/fotter.html", cwd=project)
    assert wrong.returncode == 1
    assert wrong.stderr.strip() == "theme failed: '_partials/fotter.html' is not a template of the default theme; did you mean '_partials/footer.html'?"
    assert not (project / "templates").exists()
    assert newcomer.run("theme", "_partials/footer.html", cwd=project).returncode == 0
    assert "_partials/footer.html   (the project has its own copy)" in newcomer.run("theme", cwd=project).stdout.splitlines()
    again = newcomer.run("theme", "_partials/footer.html", cwd=project)
    assert again.returncode == 1 and "already exists" in again.stderr


def test_schema_writes_the_installed_versions_schemas_into_the_project(newcomer):
    project = newcomer.new("schema-site")
    (project / "schema" / "explainer.schema.json").write_text("{}", "utf-8")  # an older version's
    assert newcomer.run("schema", cwd=project).returncode == 0
    assert (project / "schema" / "explainer.schema.json").read_bytes() == (REPO / "explainer" / "schema" / "explainer.schema.json").read_bytes()


@pytest.mark.parametrize("installed_from, line, reachable", [
    (None, f"explainer=={VERSION}", True),  # from a package index
    ({"url": "https://github.com/newsroom/explainer", "vcs_info": {"vcs": "git", "commit_id": "a" * 40, "requested_revision": "v1"}},
     f"explainer @ git+https://github.com/newsroom/explainer@{'a' * 40}", True),
    ({"url": "https://example.org/explainer-0.2.0-py3-none-any.whl", "archive_info": {}}, "explainer @ https://example.org/explainer-0.2.0-py3-none-any.whl", True),
    ({"url": "file:///home/editor/explainer", "dir_info": {}}, f"explainer=={VERSION}", False),
    ({"url": "file:///home/editor/explainer", "vcs_info": {"vcs": "git", "commit_id": "b" * 40}}, f"explainer=={VERSION}", False),
])
def test_requirements_pin_the_generator_where_it_came_from(installed_from, line, reachable):
    from explainer.scaffold.new import requirement

    assert requirement(installed_from, VERSION) == (line, reachable)


def test_the_installed_tool_imports_a_saved_news_page_once_the_importers_libraries_are_installed(newcomer):
    project = newcomer.new("import-site")
    (project / "seeds").mkdir()
    shutil.copy(REPO / "tests" / "articles" / "news_page.html", project / "seeds" / "news_page.html")
    # The README's install is the build's alone: import and check say what else they need, and
    # leave the project as it was.
    for command in (["import", "seeds/news_page.html"], ["check"]):
        refused = newcomer.run(*command, cwd=project)
        assert (refused.returncode, refused.stdout) == (1, "")
        assert refused.stderr == f"{command[0]} needs the importer's libraries: pip install 'explainer[import]'\n"
    assert sorted(p.name for p in (project / "content").iterdir()) == ["how-this-site-works.yaml"]
    installed = subprocess.run([str(newcomer.bin / "pip"), "install", "explainer[import]"], cwd=project, env=newcomer.env, capture_output=True, text=True, timeout=600)
    assert installed.returncode == 0, installed.stdout[-3000:] + installed.stderr[-3000:]
    result = newcomer.run("import", "seeds/news_page.html", cwd=project)
    assert result.returncode == 0, result.stderr
    assert newcomer.run(cwd=project).returncode == 0
