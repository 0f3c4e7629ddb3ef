"""Map TOML keys to line numbers, so config errors can name the line (``TomlLineIndex``).

tomllib reports line numbers only for syntax errors; validation errors come with a key
path (pydantic's ``loc``). This small scanner records, for every key and array-of-tables
element of a document, the line it is on. It skips strings, multi-line strings and arrays.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass

Loc = tuple[str | int, ...]


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_BLANK = " \t\r"


@dataclass
class _ValueState:
    """Whether a value continues on the next line (open brackets or multi-line string)."""

    depth: int = 0
    open_string: str | None = None

    @property
    def idle(self) -> bool:
        return self.depth == 0 and self.open_string is None


def _skip_blank(s: str, i: int) -> int:
    while i < len(s) and s[i] in _BLANK:
        i += 1
    return i


def _basic_string_end(s: str, i: int) -> int:
    """Index after the basic string opening at ``s[i]`` (end of line if unclosed)."""
    j = i + 1
    while j < len(s):
        if s[j] == "\\":
            j += 2
        elif s[j] == '"':
            return j + 1
        else:
            j += 1
    return len(s)


def _literal_string_end(s: str, i: int) -> int:
    j = s.find("'", i + 1)
    return len(s) if j < 0 else j + 1


def _decode_quoted_key(quoted: str) -> str:
    try:
        return str(tomllib.loads(f"k = {quoted}")["k"])
    except tomllib.TOMLDecodeError:
        return quoted[1:-1]


def _read_key(s: str, i: int) -> tuple[tuple[str, ...], int] | None:
    """Parse a (dotted, possibly quoted) key at ``s[i]``; return its parts and end index."""
    parts: list[str] = []
    while True:
        i = _skip_blank(s, i)
        if i >= len(s):
            return None
        if s[i] == '"':
            end = _basic_string_end(s, i)
            parts.append(_decode_quoted_key(s[i:end]))
        elif s[i] == "'":
            end = _literal_string_end(s, i)
            parts.append(s[i + 1 : end - 1])
        else:
            match = _BARE_KEY.match(s, i)
            if match is None:
                return None
            end = match.end()
            parts.append(match.group())
        i = _skip_blank(s, end)
        if i < len(s) and s[i] == ".":
            i += 1
            continue
        return tuple(parts), i


def _close_multiline(s: str, i: int, state: _ValueState) -> int:
    """Find the end of the open multi-line string from ``s[i]``; index after it or len(s)."""
    delim = state.open_string or '"""'
    j = i
    while True:
        j = s.find(delim, j)
        if j < 0:
            return len(s)
        backslashes = len(s[:j]) - len(s[:j].rstrip("\\"))
        if delim == '"""' and backslashes % 2 == 1:
            j += 1
            continue
        end = j + 3
        while end < len(s) and s[end] == delim[0] and end - j < 5:
            end += 1  # up to two quotes may end the string's content
        state.open_string = None
        return end


def _scan_value(s: str, i: int, state: _ValueState) -> None:
    """Advance ``state`` over a value's text (strings, brackets, comment) from ``s[i]``."""
    while i < len(s):
        if state.open_string is not None:
            i = _close_multiline(s, i, state)
            continue
        c = s[i]
        if c == "#":
            return
        if s.startswith(('"""', "'''"), i):
            state.open_string = s[i : i + 3]
            i += 3
        elif c == '"':
            i = _basic_string_end(s, i)
        elif c == "'":
            i = _literal_string_end(s, i)
        else:
            if c in "[{":
                state.depth += 1
            elif c in "]}":
                state.depth = max(0, state.depth - 1)
            i += 1


def _resolve(parts: tuple[str, ...], arrays: dict[Loc, int], new_element: bool) -> Loc:
    """Table path of a header; array-of-tables keys get the index of their current element."""
    path: Loc = ()
    for k, part in enumerate(parts):
        path = (*path, part)
        if new_element and k == len(parts) - 1:
            arrays[path] = arrays.get(path, 0) + 1
        if path in arrays:
            path = (*path, arrays[path] - 1)
    return path


class TomlLineIndex:
    """Line numbers (1-based, as tomllib counts them) of tables and keys in a TOML text.

    A tolerant scanner, not a validator: it follows ``[table]`` and ``[[array]]`` headers
    (numbering array elements from 0, like the parsed data), dotted and quoted keys, and
    skips multi-line strings and arrays so text inside them is never taken for a key. It
    works on broken documents too, which lets syntax errors be reported with a key path.
    """

    def __init__(self, text: str) -> None:
        self._lines: dict[Loc, int] = {}
        self._owner: list[Loc] = []
        arrays: dict[Loc, int] = {}
        table: Loc = ()
        key: Loc = ()
        state = _ValueState()
        for number, line in enumerate(text.split("\n"), start=1):
            if not state.idle:
                self._owner.append(key)
                _scan_value(line, 0, state)
                continue
            start = _skip_blank(line, 0)
            if line.startswith("[", start):
                is_array = line.startswith("[[", start)
                parsed = _read_key(line, start + (2 if is_array else 1))
                if parsed is not None:
                    table = _resolve(parsed[0], arrays, is_array)
                    self._record(table, number)
                self._owner.append(table)
                continue
            parsed = _read_key(line, start)
            if parsed is None or not line.startswith("=", parsed[1]):
                self._owner.append(table)
                continue
            key = (*table, *parsed[0])
            self._record(key, number)
            self._owner.append(key)
            _scan_value(line, parsed[1] + 1, state)

    def _record(self, path: Loc, number: int) -> None:
        for k in range(1, len(path) + 1):
            self._lines.setdefault(path[:k], number)

    def line_of(self, loc: Sequence[str | int]) -> int:
        """Line of ``loc``, or of its nearest enclosing table/key present in the text (else 1).

        A missing key thus points at its table's header; an array element at its key.
        """
        path = tuple(loc)
        while path:
            if path in self._lines:
                return self._lines[path]
            path = path[:-1]
        return 1

    def path_at(self, line: int) -> Loc:
        """The key (or, between keys, the table) that line ``line`` belongs to."""
        if 1 <= line <= len(self._owner):
            return self._owner[line - 1]
        return ()


# --------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------
