"""YAML text to plain data that remembers the line of every value (records/load.py's parsing).

PyYAML's loader forgets where values came from and silently keeps the last of two repeated keys, so the text is
composed with the C parser and the data built here: a line for every path, repeated keys, non-standard tags and
runaway alias expansion rejected, every problem an `InputError` naming the file and line. Kept apart from load.py
so that PyYAML is imported only where a text is parsed (load.py's `parse_document` imports this module).
"""

from __future__ import annotations

from sys import intern as _intern
from typing import Any

import yaml

from factdeck.exceptions import InputError
from factdeck.records.load import COMMENT_MARK, MAX_ALIAS_VALUES, PathKey
from factdeck.records.load_hints import TOO_MANY_DIGITS, dashed, merge_message
from factdeck.records.messages import yaml_problem

try:  # The C parser is several times faster; fall back where libyaml is missing.
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader

_YAML = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_YAML + t for t in ("str", "int", "float", "bool", "null", "timestamp")}


def _comment_after(text: str, index: int) -> bool:
    """Whether a plain scalar ending at `index` of `text` is followed, on its line, by a ' #' comment."""
    if text[index : index + 1] not in (" ", "\t"):
        return False
    end = text.find("\n", index)
    return text[index : end if end >= 0 else len(text)].lstrip(" \t").startswith("#")


class _Builder:
    """Turns a composed node tree into Python data, recording lines as it goes."""

    def __init__(self, display: str, text: str = "", root: yaml.Node | None = None):
        self.display = display
        self.text = text
        self.root = root
        self.lines: dict[PathKey, int] = {}
        self.seen: set[int] = set()
        self.alias_values = 0
        self._constructor = yaml.constructor.SafeConstructor()

    def fail(self, node: yaml.Node, message: str) -> InputError:
        return InputError(self.display, node.start_mark.line + 1, message)

    def build(self, node: yaml.Node, path: PathKey, alias_line: int = 0) -> Any:
        """`alias_line`: where the alias being expanded is used (0 outside an alias)."""
        # The composer returns the same node object for an alias and its anchor, and keeps no
        # mark of the alias itself: its key (or its list) is the nearest line a reader can find.
        if id(node) in self.seen:
            alias_line = alias_line or self.lines.get(path) or self.lines.get(path[:-1], 1)
        else:
            self.seen.add(id(node))
        if alias_line:
            self.alias_values += 1
            if self.alias_values > MAX_ALIAS_VALUES:
                raise InputError(self.display, alias_line, f"aliases expand to more than {MAX_ALIAS_VALUES:,} values")
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, alias_line)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _YAML + "seq":
                raise self.fail(node, f"tag '{node.tag}' is not allowed")
            return [self.build(item, (*path, i), alias_line) for i, item in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)
        if not node.style and self.text and _comment_after(self.text, node.end_mark.index):
            self.lines[(COMMENT_MARK, *path)] = node.end_mark.line + 1
        return self._scalar(node)

    def _mapping(self, node: yaml.MappingNode, path: PathKey, alias_line: int) -> dict[str, Any]:
        if node.tag != _YAML + "map":
            raise self.fail(node, f"tag '{node.tag}' is not allowed")
        result: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _YAML + "merge":
                raise self.fail(key_node, merge_message(key_node.start_mark.line + 1, self.root))
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.fail(key_node, "a key must be plain text, not a list or mapping")
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in first_line:
                said = f"key '{key}' repeated (first at line {first_line[key]})"
                if path and isinstance(path[-1], int) and key == next(iter(first_line)):
                    # The record's first key again, in a list of records: a new record without its '- '.
                    said += (
                        f": if a new record starts on line {line}, begin it with '- ' ({dashed(key_node, self.text)})"
                    )
                raise self.fail(key_node, said)
            first_line[key] = line
            # A key's line is where a reader looks for its value, even for a block below it.
            self.lines[(*path, key)] = line
            result[key] = self.build(value_node, (*path, key), alias_line)
        return result

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        tag = node.tag
        if tag not in _SCALAR_TAGS:
            raise self.fail(node, f"tag '{tag}' is not allowed")
        if tag == _YAML + "str" or tag == _YAML + "timestamp":
            # Dates stay as written: the schema has its own date forms.
            return node.value
        if tag == _YAML + "int":
            try:
                return self._constructor.construct_yaml_int(node)
            except ValueError:  # more digits than Python converts (sys.get_int_max_str_digits)
                raise self.fail(node, TOO_MANY_DIGITS.format(len(node.value))) from None
        if tag == _YAML + "float":
            return self._constructor.construct_yaml_float(node)
        if tag == _YAML + "bool":
            return self._constructor.construct_yaml_bool(node)
        return None


class _Unusual(Exception):
    """The fast path met something it leaves to the full composer (anchors, tags, errors, repeated keys)."""


_SCALAR_EVENT, _MAPPING_START, _SEQUENCE_START = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
_MAPPING_END, _SEQUENCE_END = yaml.MappingEndEvent, yaml.SequenceEndEvent
_FAST_DEPTH = 40
_BLANKS = (" ", "\t")  # what a ' #' comment after a plain scalar starts with
_TIMESTAMP = _YAML + "timestamp"
_CONSTRUCT = {
    _YAML + "int": "construct_yaml_int",
    _YAML + "float": "construct_yaml_float",
    _YAML + "bool": "construct_yaml_bool",
}


def _implicit_table() -> dict[str, list[tuple[str, Any]]]:
    """PyYAML's own implicit resolvers by first character, so plain scalars resolve exactly as it does."""
    table = yaml.resolver.Resolver.yaml_implicit_resolvers
    wildcard = table.get(None, [])
    return {first: list(resolvers) + list(wildcard) for first, resolvers in table.items() if first is not None}


_IMPLICIT = _implicit_table()


def _fast_parse(text: str) -> tuple[Any, dict[PathKey, int]]:
    """Data and lines straight from the C parser's events, skipping the node tree.

    This is the common case: one document of plain mappings, lists and scalars. Anything else (anchors,
    aliases, explicit tags, merge keys, repeated keys, deep nesting, any YAML error) raises `_Unusual`,
    and the file is composed the full way, which has the exact messages for all of them.
    """
    parser = _Loader(text)
    lines: dict[PathKey, int] = {}
    constructor = yaml.constructor.SafeConstructor()
    implicit = _IMPLICIT
    get = parser.get_event

    def scalar(event: Any) -> Any:
        if event.anchor is not None or (event.tag is not None and event.tag != "!"):
            raise _Unusual
        if not event.implicit[0]:
            return event.value  # quoted or block text: always a string
        value = event.value
        for tag, pattern in implicit.get(value[:1], ()):  # noqa: B007 (`tag` is read after the break)
            if pattern.match(value):
                break
        else:
            return value
        if tag == _TIMESTAMP:
            return value  # dates stay as written: the schema has its own date forms
        if tag in _CONSTRUCT:
            try:
                return getattr(constructor, _CONSTRUCT[tag])(yaml.ScalarNode(tag, value))
            except ValueError:  # a number too large to convert: the full way names its line
                raise _Unusual from None
        if tag == _YAML + "null":
            return None
        raise _Unusual  # a merge key or '='

    def value(event: Any, path: PathKey) -> Any:
        """A scalar event's value; its line is already in `lines` (its key's, or its own as a list item)."""
        end = event.end_mark.index
        # A plain scalar (style None, or "" from libyaml) followed by a blank, then a ' #' comment: the blank is
        # looked at here first, as most values end a line.
        if not event.style and text[end : end + 1] in _BLANKS and _comment_after(text, end):
            lines[(COMMENT_MARK, *path)] = event.end_mark.line + 1
        if event.tag is None and event.anchor is None:  # the common case, without a call to `scalar`
            if not event.implicit[0]:
                return event.value  # quoted or block text: always a string
            if event.value[:1] not in implicit:
                return event.value  # plain text that no implicit type starts with, as `scalar` finds
        return scalar(event)

    def node(event: Any, path: PathKey, depth: int) -> Any:
        """The value of the node that starts with `event`; its line is already in `lines`: a mapping sets each
        key's line as the line of its value (a block below the key too), a list each item's own."""
        kind = type(event)
        if kind is _SCALAR_EVENT:
            return value(event, path)
        if depth > _FAST_DEPTH or event.anchor is not None or (event.tag is not None and event.tag != "!"):
            raise _Unusual
        if kind is _MAPPING_START:
            result: dict[str, Any] = {}
            while True:
                key_event = get()
                if type(key_event) is not _SCALAR_EVENT:
                    if type(key_event) is _MAPPING_END:
                        return result
                    raise _Unusual
                if key_event.anchor is not None or key_event.tag not in (None, "!"):
                    raise _Unusual
                key = _intern(key_event.value)  # one string however many records use the key
                if key in result or (key == "<<" and key_event.implicit[0]):
                    raise _Unusual
                child = (*path, key)
                lines[child] = key_event.start_mark.line + 1  # type: ignore[union-attr]  # events from a parser have marks
                item = get()
                result[key] = value(item, child) if type(item) is _SCALAR_EVENT else node(item, child, depth + 1)
        if kind is _SEQUENCE_START:
            items: list[Any] = []
            while True:
                item = get()
                if type(item) is _SEQUENCE_END:
                    return items
                child = (*path, len(items))
                lines[child] = item.start_mark.line + 1
                items.append(value(item, child) if type(item) is _SCALAR_EVENT else node(item, child, depth + 1))
        raise _Unusual  # an alias

    try:
        get()  # stream start
        if not isinstance(get(), yaml.DocumentStartEvent):
            raise _Unusual
        first = get()
        lines[()] = first.start_mark.line + 1
        data = node(first, (), 0)
        if not isinstance(get(), yaml.DocumentEndEvent) or not isinstance(get(), yaml.StreamEndEvent):
            raise _Unusual
    except (yaml.YAMLError, RecursionError):
        raise _Unusual from None
    finally:
        parser.dispose()
        # `node` calls itself through its closure, a reference cycle that held the line table and everything else
        # the closures see until the cyclic collector ran (most of what a build's validation left to it).
        node = value = None  # type: ignore[assignment]
    if not isinstance(data, (dict, list)):
        raise _Unusual  # a lone scalar: the full path words its message
    return data, lines


def parsed(text: str, display: str) -> tuple[Any, dict[PathKey, int]]:
    """The data of YAML `text` (shown as `display`) and the line of every value in it; raises `InputError`."""
    try:
        return _fast_parse(text)
    except _Unusual:
        return _composed(text, display)


def _composed(text: str, display: str) -> tuple[Any, dict[PathKey, int]]:
    """The full way: compose the node tree, then build the data from it (every check, every message)."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        line, message = yaml_problem(exc, text)
        raise InputError(display, line, message) from exc
    if node is None:
        raise InputError(display, 0, "file is empty")
    builder = _Builder(display, text, node)
    try:
        data = builder.build(node, ())
    except RecursionError:
        raise InputError(display, node.start_mark.line + 1, "nesting is too deep") from None
    return data, builder.lines
