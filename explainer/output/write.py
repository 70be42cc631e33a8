"""Stage 6: putting files in the output folder. What to write is decided elsewhere (rebuild.py);
this module only writes, keeps and removes, and never outside the folder. `place` writes a run of
planned files, keeping each that is unchanged.

Two ways, each a class:

- NewTree, for `python build.py`: the new site is assembled beside the output (swap.new_tree), each
  file the last build made that is kept hard-linked from the old tree (so it keeps its bytes and
  timestamp), and the finished tree is swapped in (swap.py). A build that fails or is killed never
  leaves a half-written site.
- MountedTree, for an output folder that is a mount point: the same, but the tree is assembled
  inside the folder and its entries moved into place, as a mount point cannot be swapped.
- Staged, for `python build.py --in-place`: only the files that changed are written, into a tree
  beside the output, and moved into the output folder when the build has finished (swap.move_in):
  in proportion to the change, for a runner where nothing reads the folder while it builds.
- InPlace, for the preview's own folder: each file is replaced atomically where it stands, so an
  edit costs in proportion to what it changed.

Forked workers each use their copy to write their explainers' folders: the slugs were all
checked before anything was written, so no two explainers share a folder.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from explainer.core.atomic import atomic_write, relative
from explainer.core.parallel import parallel_map
from explainer.output.record import GROUP_MARKER, MARKER, STAMPS, UNFINISHED, Files, Group, Manifest, group_bytes, manifest_bytes, read_group, stamps_bytes
from explainer.output.lock import BuildLock
from explainer.output.swap import INSIDE_NEW, NEXT_RECORD, NEXT_STAMPS, REMOVED, commit, mark_own, move_in, new_tree, remove_file, remove_tree, swap, swap_inside

# One file to place: its path below the output, the key of its inputs, and how to make its bytes.
Planned = tuple[str, str, Callable[[], bytes]]


class Output:
    """Where one build writes. `out` is the output folder, as the last build left it."""

    def __init__(self, out: Path, dest: Path):
        self.out = out
        self.dest = dest  # where this build's files go
        self._folders: set[Path] = set()

    def _last(self, path: str) -> str:
        """Where the last build's file at path is: a plain string, as the whole site's files are
        looked up one by one (a Path of each costs more than the look-up)."""
        return os.path.join(self.out, *relative(path))

    def _target(self, path: str) -> Path:
        target = self.dest.joinpath(*relative(path))
        if target.parent not in self._folders:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(target.parent)
        return target

    def begin(self) -> None: ...
    def keep(self, path: str) -> bool:
        """Whether the last build's file at path is there to keep (where it stands, unless a
        subclass carries it over)."""
        return os.path.isfile(self._last(path))

    def write(self, path: str, data: bytes) -> None: ...
    def remove(self, paths: Iterable[str]) -> None: ...
    def remove_folders(self, folders: Iterable[str]) -> None: ...
    def forget(self, record: str) -> None: ...
    def keep_groups(self, groups: list[Group]) -> list[Group]:
        """Keep each unchanged explainer's files, as its folder's record lists them (over the cores
        when there are many); returns those whose files are not all there or whose record is not of
        the same key, which must be made again."""
        kept = parallel_map(self._keep_group, groups)
        return [group for group, whole in zip(groups, kept) if not whole]

    def _keep_group(self, group: Group) -> bool:
        key, files = read_group(self.out / group.slug)
        if key != group.key or not files:
            return False
        return all(self.keep(path) for path in [*files, f"{group.slug}/{GROUP_MARKER}"])

    def finish(self, manifest: Manifest) -> bool: ...  # False: the output was missing for a moment
    def abort(self) -> None: ...

    def layers(self) -> list[Path]:
        """The folders that together hold the new site, the first that has a file giving it."""
        return [self.dest]

    def dropped(self, path: str) -> bool:
        """Whether this build removes the file at path from the site (though a layer still has it)."""
        return False

    def last_files(self, slug: str) -> Files:
        """What the last build wrote for an explainer that is written again. Written in place, its
        folder's record goes first: a build that stops half way leaves nothing there to trust."""
        files = read_group(self.out / slug)[1]
        self.forget(f"{slug}/{GROUP_MARKER}")
        return files

    def write_group(self, slug: str, key: str, files: Files) -> None:
        """The record in an explainer's folder of the files it has now, and the key they were made from."""
        self.write(f"{slug}/{GROUP_MARKER}", group_bytes(key, files))


class NewTree(Output):
    """A new tree beside the output, swapped in when the build has finished."""

    def __init__(self, out: Path, lock: BuildLock | None = None):
        super().__init__(out, out)  # the new tree is made by begin
        self.lock = lock
        self.begun = False

    def begin(self) -> None:
        self.dest = self._make_tree()
        self.begun = True
        self._folders.add(self.dest)

    def _make_tree(self) -> Path:
        tree = new_tree(self.out)
        if self.lock is not None:
            self.lock.hold(tree)  # so that once swapped in, no other build takes it until this one has ended
        return tree

    def keep(self, path: str) -> bool:
        """Hard-link the last build's file into the new tree; False if it is gone."""
        target = self._target(path)
        try:
            os.link(self._last(path), target)
        except FileExistsError:
            return True  # kept already, by an earlier try at keeping its explainer whole
        except FileNotFoundError:
            return False
        return True

    def write(self, path: str, data: bytes) -> None:
        # Never over a kept file, a hard link to the last build's: a file is kept only when its key
        # is unchanged, and written only when it changed (place).
        self._target(path).write_bytes(data)

    def remove(self, paths: Iterable[str]) -> None:
        # The new tree holds only what this build put there; a file kept and then dropped is unlinked.
        for path in paths:
            self.dest.joinpath(*relative(path)).unlink(missing_ok=True)

    def remove_folders(self, folders: Iterable[str]) -> None:
        """Nothing to do: a new tree simply lacks the folders of explainers that are gone."""

    def forget(self, record: str) -> None:
        """Nothing to do: the last build's records are not in the new tree unless kept."""

    def finish(self, manifest: Manifest) -> bool:
        """Record what was written and put the new tree in the output's place."""
        (self.dest / MARKER).write_bytes(manifest_bytes(manifest))
        (self.dest / STAMPS).write_bytes(stamps_bytes(manifest.seen))
        return self._put_in_place()

    def _put_in_place(self) -> bool:
        return swap(self.dest, self.out)

    def abort(self) -> None:
        if self.begun:
            remove_tree(self.dest)


class Staged(NewTree):
    """The output folder kept where it is: the files this build writes are staged in a tree beside
    it, and moved in, with what it removes, once the build has finished (swap.move_in). A kept
    file is left where it stands, so the work is in proportion to the change.

    What a build removes is written down in the staged tree (REMOVED), not held in memory, as the
    workers that write explainers' folders remove their old files too."""

    _dropped: tuple[set[str], tuple[str, ...]] | None = None

    def _make_tree(self) -> Path:
        tree = new_tree(self.out)  # not locked: the output folder stays, and its lock with it
        (tree / REMOVED).mkdir()
        return tree

    keep = Output.keep  # a kept file is left where it stands, not linked into the staged tree

    def remove(self, paths: Iterable[str]) -> None:
        # Unlinked from the staged tree too: a file written and then dropped is not moved in.
        paths = list(paths)
        super().remove(paths)
        self._note(paths)

    def remove_folders(self, folders: Iterable[str]) -> None:
        self._note(f"{folder}/" for folder in folders)

    def _note(self, paths: Iterable[str]) -> None:
        if lines := "".join(f"{path}\n" for path in paths):
            fd, _ = tempfile.mkstemp(dir=self.dest / REMOVED)
            with os.fdopen(fd, "w", encoding="utf-8") as note:
                note.write(lines)

    def _removed(self) -> set[str]:
        """The files and the folders (each ending in /) this build removes, from every note."""
        return {line for note in (self.dest / REMOVED).iterdir() for line in note.read_text("utf-8").splitlines()}

    def layers(self) -> list[Path]:
        return [self.dest, self.out]

    def dropped(self, path: str) -> bool:
        # Asked of each page once every explainer is written (for the search index): the notes are read once.
        if self._dropped is None:
            removed = self._removed()
            self._dropped = (removed, tuple(path for path in removed if path.endswith("/")))
        return path in self._dropped[0] or path.startswith(self._dropped[1])

    def finish(self, manifest: Manifest) -> bool:
        """Record what was written, write the journal, and move the staged files in."""
        (self.dest / NEXT_STAMPS).write_bytes(stamps_bytes(manifest.seen))
        (self.dest / NEXT_RECORD).write_bytes(manifest_bytes(manifest))
        commit(self.dest, sorted(self._removed()))  # read again: the search index's old files were removed after the pages
        move_in(self.dest, self.out)
        return True


class MountedTree(NewTree):
    """For an output folder that is a mount point, which cannot be swapped: the new tree is
    assembled inside it and its entries moved into place (swap.swap_inside)."""

    def _make_tree(self) -> Path:
        tree = self.out / INSIDE_NEW
        tree.mkdir()
        mark_own(tree)
        return tree

    def _put_in_place(self) -> bool:
        swap_inside(self.out)
        return True  # not whole at every moment either, as the README says of a mount point


class InPlace(Output):
    """The output folder itself, each file replaced atomically. Only for a folder no one else
    writes (the preview's)."""

    def __init__(self, out: Path):
        super().__init__(out, out)

    # Nothing here is synced to disk: the preview's folder is thrown away when the preview stops.

    def begin(self) -> None:
        self.out.mkdir(parents=True, exist_ok=True)
        # Until this build finishes, its record says nothing may be reused.
        atomic_write(self.out / MARKER, UNFINISHED, sync=False)

    def write(self, path: str, data: bytes) -> None:
        atomic_write(self._target(path), data, sync=False)

    def remove(self, paths: Iterable[str]) -> None:
        for path in paths:
            self._folders.difference_update(remove_file(self.out, path))

    def remove_folders(self, folders: Iterable[str]) -> None:
        """Remove the folders of explainers that are gone."""
        for folder in folders:
            remove_tree(self.out.joinpath(*relative(folder)))
            self._folders = {f for f in self._folders if not f.is_relative_to(self.out.joinpath(*relative(folder)))}

    def forget(self, record: str) -> None:
        """Remove a record before the files it describes are written again."""
        self.out.joinpath(*relative(record)).unlink(missing_ok=True)

    def keep_groups(self, groups: list[Group]) -> list[Group]:
        """Nothing to do: this folder's files are as its last build left them (a build that stopped
        part way left a record that keeps nothing)."""
        return []

    def finish(self, manifest: Manifest) -> bool:
        atomic_write(self.out / STAMPS, stamps_bytes(manifest.seen), sync=False)
        atomic_write(self.out / MARKER, manifest_bytes(manifest), sync=False)
        return True

    def abort(self) -> None:
        """Nothing to undo: the record says nothing may be reused, so the next build writes again."""


def place(output: Output, planned: Iterable[Planned], old: Files) -> tuple[Files, int, int]:
    """Write the planned files, keeping each whose key (or, once made, whose bytes) is as last time.

    `old` describes what the last build wrote for these files. Returns the new description, how
    many files were rendered and how many written. Old files no longer planned are removed.
    """
    files: Files = {}
    rendered = written = 0
    for path, key, make in planned:
        previous = old.get(path)
        if previous and previous[1] == key and output.keep(path):
            files[path] = previous
            continue
        data = make()
        rendered += 1
        sha = hashlib.sha256(data).hexdigest()
        files[path] = (sha, key)
        if previous and previous[0] == sha and output.keep(path):
            continue  # the same bytes: the file keeps its timestamp
        output.write(path, data)
        written += 1
    output.remove(sorted(set(old) - set(files)))
    return files, rendered, written
