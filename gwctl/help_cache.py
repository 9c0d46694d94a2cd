"""Rendered `--help` pages and shell completions, cached so that a leaf's help (or a completion)
does not load its command group.

A product's own verbs are Typer apps: showing one's help means importing Typer and converting the
app (~3x the cost of starting Python). The text click rendered is kept in the cache directory
(GWCTL_CACHE_DIR/help) under a key made of the command line, the terminal width and the installed
code (gwctl's sources and Typer's and click's, by size and modification time), so a stale page is
never shown; deleting the directory is always safe. Only the help text itself is stored (caught
where click renders it), never other output. Nothing here imports click.
"""

from __future__ import annotations

import os
import sys

_VERSION = "1"
_ENV = ("COLUMNS", "GWCTL_FORCE_TTY", "GWCTL_PROFILE", "GWCTL_OUTPUT")
# What a command-name completion depends on besides the code.
COMPLETION_ENV = ("_GWCTL_COMPLETE", "COMP_WORDS", "COMP_CWORD")
# Words after which completion offers live values (profiles, resource IDs and names): never cached.
_LIVE_AFTER = ("get", "update", "patch", "delete", "rm", "wait", "show", "use", "remove", "rename")


def asks_for_completion() -> bool:
    return os.environ.get("_GWCTL_COMPLETE", "").endswith("_complete")


def completion_is_static() -> bool:
    """Whether this completion offers only command and option names (cacheable), not values such as
    profile names, enum values or resource IDs that change with the configuration or the server."""
    words = os.environ.get("COMP_WORDS", "").split()
    try:
        cword = int(os.environ.get("COMP_CWORD", ""))
    except ValueError:
        return False
    before = words[1:cword]
    if before and before[-1].startswith("-"):
        return False
    return not any(word in _LIVE_AFTER for word in before)


def asks_for_help(argv: list[str]) -> bool:
    for arg in argv:
        if arg == "--":
            return False
        if arg in ("-h", "--help"):
            return True
    return False


def _fingerprint() -> str:
    """Size and mtime of every module gwctl's commands may be built from, and of Typer and click."""
    package = os.path.dirname(os.path.abspath(__file__))
    parts = []
    stack = [package]
    while stack:
        folder = stack.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name not in ("__pycache__", "sandbox"):
                        stack.append(entry.path)
                elif entry.name.endswith((".py", ".yaml")):
                    stat = entry.stat()
                    parts.append(f"{entry.path}:{stat.st_size}:{stat.st_mtime_ns}")
    for name in ("typer", "click"):
        for folder in sys.path:
            path = os.path.join(folder or ".", name, "__init__.py")
            try:
                stat = os.stat(path)
            except OSError:
                continue
            parts.append(f"{path}:{stat.st_size}:{stat.st_mtime_ns}")
            break
    parts.sort()
    return "\n".join(parts)


def _key(argv: list[str], names: tuple[str, ...] = _ENV) -> str:
    try:  # the width click wraps help to (as shutil.get_terminal_size finds it, COLUMNS aside)
        columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
    except (OSError, ValueError, AttributeError):
        columns = 0
    env = "\0".join(f"{name}={os.environ.get(name, '')}" for name in names)
    return "\0".join([_VERSION, sys.version, "\0".join(argv), str(columns), env, _fingerprint()])


def _digest(key: str) -> str:
    """96 bits of checksums (the command line itself is never stored: it is not ours to keep)."""
    import zlib

    data = key.encode("utf-8", "surrogateescape")
    return f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}{zlib.crc32(data[::-1]):08x}"


def _path(digest: str) -> str:
    from gwctl.config.paths import cache_dir

    return os.path.join(cache_dir(), "help", digest[:16] + ".txt")


class HelpCache:
    def __init__(self, argv: list[str], env: tuple[str, ...] = _ENV) -> None:
        self.digest = _digest(_key(argv, env))
        self.path = _path(self.digest)
        self.pages: list[str] = []

    def cached(self) -> str | None:
        """The help page for this command line, if it was rendered before by the same code."""
        try:
            with open(self.path, encoding="utf-8") as fh:
                stored = fh.read()
        except (OSError, UnicodeDecodeError):
            return None
        digest, sep, text = stored.partition("\n")
        return text if sep and digest == self.digest else None

    def keep(self) -> None:
        """Store the one page click rendered during the run (best effort: a cache never fails a command)."""
        if len(self.pages) != 1:
            return
        try:
            from gwctl.config.files import write_private

            write_private(self.path, self.digest + "\n" + self.pages[0])
        except OSError:
            pass
