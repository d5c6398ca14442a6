"""A child's scratch folder: a mirror of the user's working folder, copied on first write.

Layout: ``<root>/work`` holds one symlink per top-level entry of the user's
working folder and is the child's cwd, so relative reads reach the user's
files; ``<root>/tmp`` is the child's TMPDIR. Before a write lands on a mirrored
entry, `prepare` makes the way real: a symlinked folder on the path becomes a
real folder of symlinks (one level at a time), a symlinked file becomes a
copy (or is simply unlinked when the write truncates it). A deletion or
rename then only ever removes the scratch's own link. Every path prepared is
remembered (relative to ``work``), so `changes` and `reset` look at those
alone, never at the whole folder.
"""
from __future__ import annotations

import os
import shutil
import stat
import tempfile

# What a prepared action does to its last path component.
# WRITE keeps the old bytes (append, r+), TRUNCATE does not need them, ATTRIBUTES
# (chmod, utime) keeps them too, ENTRY leaves the last component alone (it is
# deleted, renamed or created), TREE makes a mirrored folder real (rmtree).
WRITE, TRUNCATE, ATTRIBUTES, ENTRY, TREE = "write", "truncate", "attributes", "entry", "tree"


def inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder + os.sep)


def create_root() -> str:
    """The parent's half: an empty scratch folder (real path: symlinked /tmp on macOS)."""
    return os.path.realpath(tempfile.mkdtemp(prefix="jupyter-optimize-"))


def remove_root(root: str) -> None:
    """Remove a scratch folder; never follows a symlink, so the user's files stay."""
    def unlock(_func: object, path: str, _exc: object) -> None:
        # a child may have taken the write bit off its own folders: give it back and retry
        try:
            os.chmod(os.path.dirname(path), 0o700)
            if not os.path.islink(path):  # chmod follows a link: it would change the user's file it points to
                os.chmod(path, 0o700)
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path, ignore_errors=True)
            else:
                os.unlink(path)
        except OSError:
            pass

    shutil.rmtree(root, onerror=unlock)


class Scratch:
    """The child's half: builds the mirror and keeps it copied on write."""

    def __init__(self, root: str, user_folder: str):
        self.root, self.user = root, os.path.realpath(user_folder)
        self.work, self.tmp = os.path.join(root, "work"), os.path.join(root, "tmp")
        self.touched: set[str] = set()  # paths relative to work that an action prepared

    def build(self) -> None:
        os.mkdir(self.work)
        os.mkdir(self.tmp)
        for name in self._user_entries():
            os.symlink(os.path.join(self.user, name), os.path.join(self.work, name))

    def _user_entries(self) -> list[str]:
        try:
            names = os.listdir(self.user)
        except OSError:  # an unreadable working folder: the mirror stays empty
            return []
        # a working folder that holds the scratch folder (cwd is /tmp) must not mirror it
        return [n for n in names if not inside(self.root, os.path.join(self.user, n))]

    # -- before an action ----------------------------------------------------

    def prepare(self, path: str, last: str) -> None:
        """Make *path* (absolute, as the action will resolve it) writable in place
        when it lies in the mirror; *last* says what to do with its last component."""
        parts = [p for p in path.split(os.sep) if p not in ("", ".")]
        current = os.sep  # kept physical: resolved again only where a component is a symlink
        for k, part in enumerate(parts):
            final = k == len(parts) - 1
            if part == "..":
                current = os.path.dirname(current)
                continue
            current = os.path.join(current, part)
            in_mirror = inside(current, self.work) and current != self.work
            if in_mirror and final:  # the folders on the way hold nothing new by themselves
                self.touched.add(os.path.relpath(current, self.work))
            if not os.path.islink(current):
                continue
            if in_mirror and self._mirrored(current):
                self._make_real(current, last if final else TREE)
            if not final:
                current = os.path.realpath(current)

    def show_folders_in(self, folder: str) -> None:
        """Make the mirrored sub-folders of *folder* (in the mirror) real folders of links, one level."""
        try:
            entries = os.listdir(folder)
        except OSError:
            return
        for name in entries:
            path = os.path.join(folder, name)
            if self._mirrored(path) and os.path.isdir(path):
                try:
                    self._make_real(path, TREE)
                except OSError:  # unreadable: it stays a link, as a walk that cannot enter it would find
                    pass

    def _mirrored(self, path: str) -> bool:
        """A symlink leading out of the scratch folder: the user's entry, seen read-only."""
        return os.path.islink(path) and not inside(os.path.realpath(path), self.root)

    def _make_real(self, path: str, last: str) -> None:
        target = os.path.realpath(path)
        if os.path.isdir(target):
            if last != ENTRY:  # a folder on the way, rmtree'd, or opened itself (which then fails as it would)
                os.unlink(path)
                os.mkdir(path)
                for name in os.listdir(target):
                    os.symlink(os.path.join(target, name), os.path.join(path, name))
        elif last in (WRITE, TRUNCATE) and not os.path.exists(target):
            os.unlink(path)  # a dangling link: the write creates the file here
        elif last == TRUNCATE:  # the old bytes are not needed: an empty file of our own
            os.unlink(path)
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o666))
        elif last in (WRITE, ATTRIBUTES):
            self._copy_in(target, path)

    @staticmethod
    def _copy_in(source: str, link: str) -> None:
        staging = link + ".jupyter-optimize-copy"
        shutil.copy2(source, staging)
        os.replace(staging, link)

    def as_user_sees(self, path: str) -> str:
        """A path in the scratch folder but outside its mirror, named as the user would
        reach it from their working folder (``../x`` is the folder above theirs)."""
        if inside(path, self.root):
            return os.path.normpath(os.path.join(self.user, os.pardir, os.path.relpath(path, self.root)))
        return path

    # -- after a run -----------------------------------------------------------

    def changes(self) -> dict[str, bytes | None]:
        """What differs from the user's folder among the touched paths."""
        found: dict[str, bytes | None] = {}
        seen: set[str] = set()
        for rel in sorted(self.touched):
            self._compare(rel, found, seen)
        return found

    def _compare(self, rel: str, found: dict[str, bytes | None], seen: set[str]) -> None:
        if rel in seen:
            return
        seen.add(rel)
        mine, theirs = os.path.join(self.work, rel), os.path.join(self.user, rel)
        if not os.path.lexists(mine):
            if os.path.lexists(theirs) and not _under_deleted(rel, found):
                found[rel] = None
            return
        if os.path.islink(mine) and os.path.realpath(mine) == os.path.realpath(theirs):
            return  # still the mirror of the user's own entry
        if os.path.isdir(mine):
            for name in sorted(os.listdir(mine)):
                self._compare(os.path.join(rel, name), found, seen)
            return
        data = _read(mine)
        if data is not None and data != _read_if_file(theirs, len(data)):
            found[rel] = data

    def reset(self) -> None:
        """Put every touched top-level entry back to the mirror's link; empty tmp."""
        if not (os.path.isdir(self.work) and os.path.isdir(self.tmp)):  # the run removed the mirror itself
            for folder in (self.work, self.tmp):
                _remove(folder)
            self.touched.clear()
            self.build()
        for top in sorted({rel.split(os.sep)[0] for rel in self.touched}):
            mine, theirs = os.path.join(self.work, top), os.path.join(self.user, top)
            _remove(mine)
            if os.path.lexists(theirs):
                os.symlink(theirs, mine)
        self.touched.clear()
        for name in os.listdir(self.tmp):
            _remove(os.path.join(self.tmp, name))
        try:
            moved = os.getcwd() != self.work
        except OSError:  # the cwd was deleted
            moved = True
        if moved:
            os.chdir(self.work)


def _under_deleted(rel: str, found: dict[str, bytes | None]) -> bool:
    """Whether a folder above *rel* is already reported deleted (its files go with it)."""
    parts = rel.split(os.sep)
    return any(found.get(os.sep.join(parts[:k]), b"") is None for k in range(1, len(parts)))


def _remove(path: str) -> None:
    if not os.path.lexists(path):
        return
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path, ignore_errors=True)
    else:
        os.unlink(path)


def _read(path: str) -> bytes | None:
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return None  # a fifo or a device: nothing to compare
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return None


def _read_if_file(path: str, size: int) -> bytes | None:
    """The user's file when it has *size* bytes (else it differs anyway: not read)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode) or st.st_size != size:
        return None
    with open(path, "rb") as f:
        return f.read()
