"""Parse pack YAML files into plain data, keeping the line and column of every value.

Pack files are data, so the parser builds only plain YAML types (PyYAML's safe loader),
rejects aliases (which could multiply a small file into a huge document) and rejects a
mapping key given twice, which plain YAML would silently overwrite.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from django.utils.translation import gettext_lazy as _

from onestop.core.errors import code_point_text

from .errors import PackError, make_error

PathKey = tuple[str | int, ...]


@dataclass
class Document:
    """The data of one pack file and the (line, column) of each value and of each
    mapping key, both from 1."""

    name: str
    data: Any
    positions: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[PathKey, tuple[int, int]] = field(default_factory=dict)

    def position(self, path: PathKey) -> tuple[int | None, int | None]:
        """Return the position of `path`, or of its nearest parent that has one."""
        for end in range(len(path), -1, -1):
            found = self.positions.get(path[:end])
            if found:
                return found
        return None, None

    def error(
        self, path: PathKey, rule: str, message: Any, /, **values: Any
    ) -> PackError:
        """Build a PackError at `path` of this document."""
        return self._error_at(self.position(path), path, rule, message, **values)

    def key_error(
        self, path: PathKey, rule: str, message: Any, /, **values: Any
    ) -> PackError:
        """Build a PackError at the key of `path`, such as a key missing under it.

        The value of a block mapping starts at its first key, a line below its own,
        so `error` would point at a sibling. A path without a key of its own, such as
        the document's root, gets the position of `error`.
        """
        position = self.key_positions.get(path) or self.position(path)
        return self._error_at(position, path, rule, message, **values)

    def _error_at(
        self,
        position: tuple[int | None, int | None],
        path: PathKey,
        rule: str,
        message: Any,
        /,
        **values: Any,
    ) -> PackError:
        line, column = position
        return make_error(
            self.name,
            format_path(path),
            rule,
            message,
            line=line,
            column=column,
            **values,
        )


class _PackLoader(yaml.SafeLoader):
    """The safe loader without aliases and with duplicate keys reported."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed", event.start_mark
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
        first_marks: dict[Any, Any] = {}
        for key_node, _value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, (list, dict)):
                continue
            if key in first_marks:
                raise _DuplicateKeyError(key, key_node.start_mark, first_marks[key])
            first_marks[key] = key_node.start_mark
        return super().construct_mapping(node, deep=deep)


class _DuplicateKeyError(yaml.MarkedYAMLError):
    """A key given twice in one mapping, at `mark`, first given at `first_mark`."""

    def __init__(self, key: Any, mark: Any, first_mark: Any) -> None:
        super().__init__(problem=f"duplicate key {key!r}", problem_mark=mark)
        self.key = key
        self.first_line = first_mark.line + 1


def parse_document(name: str, raw: bytes) -> tuple[Document | None, PackError | None]:
    """Parse one YAML file, returning its Document or the error that stopped parsing."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return None, _encoding_error(name, raw, error.start)

    try:
        loader = _PackLoader(text)
    except yaml.reader.ReaderError as error:
        return None, _character_error(name, text, error)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except _DuplicateKeyError as error:
        return None, _marked_error(
            name,
            error,
            "yaml.duplicate_key",
            _(
                "The key %(key)s appears twice in one mapping, first at line "
                "%(first_line)s. Keep one of them."
            ),
            key=str(error.key),
            first_line=error.first_line,
        )
    except yaml.MarkedYAMLError as error:
        return None, _marked_error(
            name,
            error,
            "yaml.syntax",
            _("The file is not valid YAML: %(problem)s. Fix the line shown."),
            problem=yaml_problem_text(str(error.problem or error.context or "")),
        )
    except yaml.YAMLError as error:
        return None, make_error(
            name,
            "",
            "yaml.syntax",
            _("The file is not valid YAML: %(problem)s. Fix the line shown."),
            problem=str(error),
        )
    finally:
        loader.dispose()

    document = Document(name, data)
    if node is not None:
        _collect_positions(node, (), document.positions, document.key_positions)
    return document, None


# PyYAML's problem texts (version 6), which are English only, as translated sentences.
_EXPECTED = re.compile(r"expected (?P<expected>.+), but (?:got|found) (?P<found>.+)")
_BAD_CHARACTER = re.compile(
    r"found character (?P<character>.+) that cannot start any token"
)
_TOKEN_NAMES = {
    "'<stream end>'": _("the end of the file"),
    "<block end>": _("the end of the indented block"),
    "'<block mapping start>'": _("a new indented mapping"),
    "'<block sequence start>'": _("a new indented list"),
}


def yaml_problem_text(problem: str) -> str:
    """Translate a PyYAML problem such as "expected ',' or ']', but got '<stream end>'".

    A problem without a translation is returned as PyYAML wrote it.
    """
    expected = _EXPECTED.fullmatch(problem)
    if expected:
        return str(
            _("%(expected)s was expected, but %(found)s was found")
            % {
                "expected": _alternatives(expected["expected"]),
                "found": _TOKEN_NAMES.get(expected["found"], expected["found"]),
            }
        )
    character = _BAD_CHARACTER.fullmatch(problem)
    if character and character["character"] == "'\\t'":
        return str(_("a tab cannot start a value, so indent with spaces"))
    if character:
        return str(
            _("the character %(character)s cannot start a value, so quote the value")
            % {"character": character["character"]}
        )
    texts = {
        "mapping values are not allowed here": _(
            'a second ": " is not allowed here, so quote a value that contains one'
        ),
        "found unexpected end of stream": _(
            "the file ended inside a value, such as a quoted text not closed"
        ),
        "": _("syntax error"),
    }
    return str(texts.get(problem, problem))


def _alternatives(tokens: str) -> str:
    """Translate "',' or ']'" and each token name in it."""
    names = [_TOKEN_NAMES.get(token, token) for token in tokens.split(" or ")]
    text = str(names[0])
    for name in names[1:]:
        text = str(_("%(first)s or %(second)s") % {"first": text, "second": name})
    return text


def _marked_error(
    name: str, error: yaml.MarkedYAMLError, rule: str, message: Any, **values: Any
) -> PackError:
    mark = error.problem_mark or error.context_mark
    line = mark.line + 1 if mark else None
    column = mark.column + 1 if mark else None
    return make_error(name, "", rule, message, line=line, column=column, **values)


def _encoding_error(name: str, raw: bytes, offset: int) -> PackError:
    """Report the first byte at `offset` that is not UTF-8, with its line and column.

    The column counts the characters before it on its line, which are valid UTF-8.
    """
    line_start = raw.rfind(b"\n", 0, offset) + 1
    column = len(raw[line_start:offset].decode("utf-8")) + 1
    return make_error(
        name,
        "",
        "yaml.encoding",
        _(
            "The file is not valid UTF-8: the byte at line %(line)s, column "
            "%(column)s (byte %(offset)s of the file) is not part of a UTF-8 "
            "character. Save the file as UTF-8."
        ),
        line=raw.count(b"\n", 0, offset) + 1,
        column=column,
        offset=offset,
    )


def _character_error(name: str, text: str, error: yaml.reader.ReaderError) -> PackError:
    """Report a character that YAML does not allow, such as a control character.

    PyYAML checks the whole text before it parses, and gives the character's offset
    in the text, from which this counts the line and column from 1.
    """
    position = error.position
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    character = chr(error.character)
    problem = _(
        "the character %(character)s is not allowed in YAML, so remove it, or write "
        "it as the escape %(escape)s inside double quotes"
    ) % {"character": code_point_text(character), "escape": f"\\u{ord(character):04X}"}
    return make_error(
        name,
        "",
        "yaml.syntax",
        _("The file is not valid YAML: %(problem)s. Fix the line shown."),
        line=line,
        column=column,
        problem=str(problem),
    )


def _collect_positions(
    node: Any,
    path: PathKey,
    positions: dict[PathKey, tuple[int, int]],
    key_positions: dict[PathKey, tuple[int, int]],
) -> None:
    positions[path] = _position(node)

    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                key_path = (*path, key_node.value)
                key_positions[key_path] = _position(key_node)
                _collect_positions(value_node, key_path, positions, key_positions)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _collect_positions(item, (*path, index), positions, key_positions)


def _position(node: Any) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def format_path(path: PathKey) -> str:
    """Format a path as ``materials[2].certificate_type``."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text
