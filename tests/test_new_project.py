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
import yaml
from coloraide import Color
from helpers import REPO, parse, tree
from PIL import Image

from explainer.scaffold.new import UNREACHABLE, requirement

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


@pytest.mark.parametrize("installed_from, line", [
    # From a package index: PyPI has no generator of this name, so a version alone installs nothing.
    (None, UNREACHABLE),
    ({"url": "https://github.com/newsroom/explainer", "vcs_info": {"vcs": "git", "commit_id": "a" * 40, "requested_revision": "v1"}},
     f"explainer @ git+https://github.com/newsroom/explainer@{'a' * 40}"),
    ({"url": "https://example.org/explainer-0.2.0-py3-none-any.whl", "archive_info": {}}, "explainer @ https://example.org/explainer-0.2.0-py3-none-any.whl"),
    ({"url": "file:///home/editor/explainer", "dir_info": {}}, UNREACHABLE),
    ({"url": "file:///home/editor/explainer", "vcs_info": {"vcs": "git", "commit_id": "b" * 40}}, UNREACHABLE),
])
def test_requirements_pin_the_generator_where_it_came_from(installed_from, line):
    assert requirement(installed_from) == (line, line != UNREACHABLE)


def _git(folder: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(folder), *args], check=True, capture_output=True, text=True).stdout.strip()


STARTER_WORKFLOW = REPO / "explainer" / "scaffold" / "starter" / ".github" / "workflows" / "pages.yml"


def workflow_check(workflow: Path, project: Path) -> subprocess.CompletedProcess[str]:
    """A publishing workflow's first check, run on the project's requirements.txt as GitHub runs it."""
    steps = yaml.safe_load(workflow.read_text("utf-8"))["jobs"]["build"]["steps"]
    step = next(s for s in steps if s.get("name", "").startswith("Check that requirements.txt"))
    return subprocess.run(["bash", "-e", "-o", "pipefail", "-c", step["run"]], cwd=project, capture_output=True, text=True)


@pytest.mark.subprocess  # git
def test_a_generator_installed_from_a_checkout_is_pinned_to_its_commit_on_origin(tmp_path):
    checkout = tmp_path / "explainer"
    checkout.mkdir()
    _git(checkout, "init", "-q")
    (checkout / "README.md").write_text("x\n", "utf-8")
    (checkout / "tools").mkdir()
    (checkout / "tools" / "pyproject.toml").write_text("x\n", "utf-8")
    _git(checkout, "add", ".")
    _git(checkout, "-c", "user.name=a", "-c", "user.email=a@example.org", "commit", "-qm", "first")
    _git(checkout, "remote", "add", "origin", "https://github.com/newsroom/explainer.git")
    installed = {"url": checkout.as_uri(), "dir_info": {"editable": True}}
    # The commit is not on origin yet: GitHub could not fetch it.
    assert requirement(installed) == (UNREACHABLE, False)
    commit = _git(checkout, "rev-parse", "HEAD")
    _git(checkout, "update-ref", "refs/remotes/origin/main", commit)
    assert requirement(installed) == (f"explainer @ git+https://github.com/newsroom/explainer.git@{commit}", True)
    # Cloned the SSH way: the same repository, which the workflow fetches over https.
    _git(checkout, "remote", "set-url", "origin", "git@github.com:newsroom/explainer.git")
    assert requirement(installed) == (f"explainer @ git+https://github.com/newsroom/explainer.git@{commit}", True)
    # The generator in a folder of its repository: pip is told which.
    assert requirement({**installed, "url": (checkout / "tools").as_uri()})[0].endswith(f"@{commit}#subdirectory=tools")
    # Changed since that commit: what is installed is not what the commit holds.
    (checkout / "README.md").write_text("changed\n", "utf-8")
    assert requirement(installed) == (UNREACHABLE, False)


@pytest.mark.subprocess  # the workflow's own shell step
@pytest.mark.parametrize("requirements, error", [
    ("# comments only\n# explainer @ <where your newsroom installs the generator from: write it here>\n",
     "::error file=requirements.txt::requirements.txt does not say where to install the explainer generator from: write a line such as "
     "'explainer @ git+https://github.com/<owner>/<repo>@v"),
    ("explainer @ <where your newsroom installs the generator from: write it here>\n", "::error file=requirements.txt::requirements.txt does not say"),
    ("explainer @ git+https://github.com/newsroom/explainer@v0.2.0\n", None),
    ("jinja2\nExplainer[import] @ https://example.org/explainer-0.2.0-py3-none-any.whl\n", None),
    # A version names a package of the index, and PyPI has none of this name that is the generator.
    ("# the generator\n  explainer==0.2.0  \n", "::error file=requirements.txt,line=2::requirements.txt asks the package index for "
     "'explainer==0.2.0', but PyPI has no explainer generator (its 'explainer' is another project): write where your newsroom installs it from instead"),
    ("explainer\n", "::error file=requirements.txt,line=1::requirements.txt asks the package index for 'explainer', but PyPI"),
    # Unless the file names the newsroom's own index.
    ("--index-url https://pypi.example.org/simple\nexplainer==0.2.0\n", None),
])
def test_the_publishing_workflow_stops_with_what_to_write_when_requirements_name_no_generator_it_can_install(tmp_path, requirements, error):
    (tmp_path / "requirements.txt").write_text(requirements, "utf-8")
    result = workflow_check(STARTER_WORKFLOW, tmp_path)
    assert result.returncode == (0 if error is None else 1), result.stdout + result.stderr
    assert result.stdout.startswith(error or ""), result.stdout


@pytest.mark.subprocess  # git, and build.py as a developer runs it
def test_new_run_from_a_checkout_pins_the_checkouts_commit_or_says_what_to_write(tmp_path):
    # A checkout as a developer has it: build.py run from its folder, with the egg-info an older
    # install left there (which records a version and nothing of where it came from).
    checkout = tmp_path / "explainer"
    checkout.mkdir()
    for name in ("build.py", "pyproject.toml"):
        shutil.copy(REPO / name, checkout / name)
    shutil.copytree(REPO / "explainer", checkout / "explainer", ignore=shutil.ignore_patterns("__pycache__"))
    (checkout / "explainer.egg-info").mkdir()
    (checkout / "explainer.egg-info" / "PKG-INFO").write_text(f"Metadata-Version: 2.1\nName: explainer\nVersion: {VERSION}\n", "utf-8")
    (checkout / ".gitignore").write_text("*.egg-info/\n", "utf-8")
    _git(checkout, "init", "-q")
    _git(checkout, "add", ".")
    _git(checkout, "-c", "user.name=a", "-c", "user.email=a@example.org", "commit", "-qm", "first")
    commit = _git(checkout, "rev-parse", "HEAD")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}

    def new(name: str) -> tuple[str, str]:
        result = subprocess.run([sys.executable, "build.py", "new", str(tmp_path / name)], cwd=checkout, env=env, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        return (tmp_path / name / "requirements.txt").read_text("utf-8").splitlines()[-1], result.stdout

    # Its commit is on its origin: the new project installs the generator at that commit.
    _git(checkout, "remote", "add", "origin", "https://github.com/newsroom/explainer.git")
    _git(checkout, "update-ref", "refs/remotes/origin/main", commit)
    line, said = new("pinned")
    assert line == f"explainer @ git+https://github.com/newsroom/explainer.git@{commit}"
    assert "note:" not in said
    assert workflow_check(tmp_path / "pinned" / ".github" / "workflows" / "pages.yml", tmp_path / "pinned").returncode == 0
    # No origin: nothing GitHub could install, a comment saying what to write, and a note saying why.
    _git(checkout, "remote", "remove", "origin")
    line, said = new("unpinned")
    assert line == UNREACHABLE and "installed from a folder on this computer, which GitHub cannot reach" in said
    refused = workflow_check(tmp_path / "unpinned" / ".github" / "workflows" / "pages.yml", tmp_path / "unpinned")
    assert refused.returncode == 1 and "does not say where to install the explainer generator from" in refused.stdout


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
