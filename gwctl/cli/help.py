"""How a leaf command's help reads, the same for generic and product verbs.

- the one-line summary (in group listings) carries no HTTP path: the path moves to an `API:`
  line of the long description (and stays in `operations`);
- the command's own options come first; the global options follow in a short separate section;
- examples (`Example: ...` in a docstring, or an `Examples:` paragraph of one command per line)
  are gathered into an `Examples:` section printed verbatim, never re-wrapped, so each runs as printed.

Imports only click: help and completion stay light.
"""

from __future__ import annotations

import inspect
import re

import click


_METHOD = r"(?:GET|POST|PUT|PATCH|DELETE|HEAD)(?:\|(?:GET|POST|PUT|PATCH|DELETE))*"
# "(GET /status)", "(POST .../users/{userId}/refreshToken)", "(PUT /v1/setActivity, setActive)"
_PATH_NOTE = re.compile(rf"\s*\(([^()]*?\b{_METHOD}\s+[./{{][^()]*(?:\([^()]*\)[^()]*)*)\)")
_EXAMPLE = re.compile(r"(?:^|(?<=\s))Examples?(?: \(([^)]*)\))?:[ \t]*")


def split_help(text: str) -> tuple[str, list[str], list[str]]:
    """(description, API paths, examples) of a help text."""
    # A plain click command's help is its raw docstring: indented after the first line.
    text = inspect.cleandoc(text or "").replace("\b\n", "").replace("\b", "")
    paragraphs = re.split(r"\n\s*\n", text.strip())
    kept: list[str] = []
    examples: list[str] = []
    for para in paragraphs:
        match = _EXAMPLE.search(para)
        if not match:
            kept.append(para)
            continue
        before, rest = para[:match.start()].rstrip(), para[match.end():]
        label = match.group(1)
        lines = [line.strip() for line in rest.strip().splitlines() if line.strip()]
        # "Example: gwctl ..." on one line, or "Examples:" then one command per line
        for line in lines:
            examples.append(f"# {label}\n{line}" if label and line == lines[0] else line)
        if before:
            kept.append(before)
    apis: list[str] = []
    if kept:
        first = kept[0]
        apis = [m.group(1).strip() for m in _PATH_NOTE.finditer(first)]
        kept[0] = _PATH_NOTE.sub("", first)
        kept[0] = re.sub(r"\s+([.;:,])(?=\s|$)", r"\1", kept[0])
    return "\n\n".join(kept), apis, [e for ex in examples for e in ex.split("\n")]


def summary(text: str) -> str:
    """The one-line summary: the first sentence, without HTTP paths."""
    description, _, _ = split_help(text)
    first = " ".join(description.split("\n\n")[0].split())
    return first


def first_sentence(text: str) -> str:
    """Up to the first full stop outside parentheses."""
    depth = 0
    for i, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char in ".!?" and depth <= 0 and (i + 1 == len(text) or text[i + 1].isspace()):
            return text[:i + 1]
    return text


def first_clause(text: str) -> str:
    """Up to the first `;` outside parentheses, as a sentence."""
    depth = 0
    for i, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == ";" and depth <= 0:
            return text[:i].rstrip() + "."
    return text if text.endswith((".", "!", "?")) else text + "."


def _global(param: click.Parameter) -> bool:
    return getattr(param, "gwctl_global", False)  # set by gwctl.cli.global_options


class HelpMixin:
    """Mixed into a leaf command's class (see decorate)."""

    def get_short_help_str(self, limit: int = 45) -> str:
        text = summary(self.short_help or self.help or "")
        return first_sentence(text)  # whole: the listing wraps it, never cuts it

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        description, apis, _ = split_help(self.help or "")
        if self.deprecated:
            description += "\n\n(Deprecated)"
        if apis:
            description += "\n\n\b\nAPI: " + "; ".join(apis)
        if description:
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(description)

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        own, globals_ = [], []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None or isinstance(param, click.Argument):  # in the Arguments section
                continue
            (globals_ if _global(param) else own).append((param, record))
        if own:
            with formatter.section("Options"):
                formatter.write_dl([record for _, record in own])
        if globals_:
            with formatter.section("Global options (see gwctl --help)"):
                flags = [record[0] for _, record in globals_]
                line, width = [], formatter.width - formatter.current_indent - 2
                rows = []
                for flag in flags:
                    if line and len("  ".join(line + [flag])) > width:
                        rows.append("  ".join(line))
                        line = []
                    line.append(flag)
                if line:
                    rows.append("  ".join(line))
                for row in rows:
                    formatter.write(" " * formatter.current_indent + row + "\n")

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        _, _, examples = split_help(self.help or "")
        if examples:
            with formatter.section("Examples"):
                for line in examples:  # verbatim: a wrapped command would not run as printed
                    formatter.write(" " * formatter.current_indent + line + "\n")
        super().format_epilog(ctx, formatter)  # type: ignore[misc]


_CLASSES: dict[type, type] = {}


def decorate(command: click.Command) -> None:
    """Give a leaf command the help layout above (idempotent)."""
    cls = type(command)
    if isinstance(command, HelpMixin) or isinstance(command, click.Group):
        return
    if cls not in _CLASSES:
        _CLASSES[cls] = type(cls.__name__, (HelpMixin, cls), {})
    command.__class__ = _CLASSES[cls]


def examples_of(command: click.Command) -> list[str]:
    """The example command lines of a command's help (comments left out)."""
    return [line for line in split_help(command.help or "")[2] if not line.startswith("#")]
