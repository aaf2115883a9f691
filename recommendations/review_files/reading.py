"""Turn the bytes of a review file into plain Python data, remembering where each key was.

Only plain YAML is accepted: no aliases (so no "billion laughs"), no tags beyond YAML's own
scalars, no duplicate keys. Dates are kept as the text the file wrote, so that the validator
can say which date is not a real one instead of the YAML library failing on it.
"""

from dataclasses import dataclass, field

import yaml
from django.conf import settings

from .errors import FileProblem, Path, ReviewFileInvalid, format_path

YAML_TAG = "tag:yaml.org,2002:"
SCALAR_TAGS = {f"{YAML_TAG}{name}" for name in ("str", "int", "float", "bool", "null", "timestamp")}


@dataclass
class ParsedFile:
    data: object
    lines: dict[Path, int] = field(default_factory=dict)
    file_name: str = ""
    # For documents read from a spreadsheet: the cell each key came from, as people say it
    # ("sheet 'Plan', row 5, column 'Due'"), used instead of the key path.
    places: dict[Path, str] = field(default_factory=dict)

    def line_of(self, path: Path) -> int:
        """The line of `path`, or of its nearest ancestor that the file wrote."""
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path, 1)

    def problem(self, path: Path, message: str) -> FileProblem:
        place = format_path(path)
        if self.places:
            nearest = path
            while nearest not in self.places and nearest:
                nearest = nearest[:-1]
            place = self.places.get(nearest, place)
        return FileProblem(self.line_of(path), place, message, self.file_name)


class _Builder:
    def __init__(self, loader: yaml.SafeLoader, file_name: str):
        self.loader = loader
        self.file_name = file_name
        self.lines: dict[Path, int] = {}
        self.problems: list[FileProblem] = []

    def fail(self, node: yaml.Node, path: Path, message: str) -> None:
        line = node.start_mark.line + 1
        self.problems.append(FileProblem(line, format_path(path), message, self.file_name))

    def build(self, node: yaml.Node, path: Path) -> object:
        self.lines.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != f"{YAML_TAG}seq":
                self.fail(node, path, f"YAML tags are not allowed ({node.tag})")
            return [self.build(item, (*path, index)) for index, item in enumerate(node.value)]
        return self._scalar(node, path)

    def _mapping(self, node: yaml.MappingNode, path: Path) -> dict[str, object]:
        if node.tag != f"{YAML_TAG}map":
            self.fail(node, path, f"YAML tags are not allowed ({node.tag})")
        result: dict[str, object] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.fail(key_node, path, "a key must be plain text")
                continue
            # The raw text, not YAML 1.1's reading of it: `on:` is a key, not the value true.
            key = key_node.value
            key_path = (*path, key)
            if key in result:
                self.fail(key_node, key_path, f"the key '{key}' is given twice")
                continue
            self.lines[key_path] = key_node.start_mark.line + 1
            result[key] = self.build(value_node, key_path)
        return result

    def _scalar(self, node: yaml.ScalarNode, path: Path) -> object:
        if node.tag not in SCALAR_TAGS:
            self.fail(node, path, f"YAML tags are not allowed ({node.tag})")
            return node.value
        kind = node.tag.removeprefix(YAML_TAG)
        if kind in {"str", "timestamp"}:
            return node.value
        constructor = getattr(self.loader, f"construct_yaml_{kind}")
        try:
            return constructor(node)
        except (ValueError, yaml.YAMLError):
            return node.value


# The format nests about ten deep (recommendations, parts, actions, updates, their keys).
# Composing, building and validating each recurse once a level, so a file of 5,000 `[`
# would exhaust Python's stack: refuse well before, at the line where it happens.
MAX_DEPTH = 30


class _PlainLoader(yaml.SafeLoader):
    """A safe loader that refuses aliases instead of expanding them, and nesting deeper
    than any review file needs."""

    depth = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "YAML aliases (*name) are not allowed in review files", event.start_mark
            )
        if self.depth >= MAX_DEPTH:
            raise yaml.composer.ComposerError(
                None,
                None,
                f"lists and mappings are nested more than {MAX_DEPTH} deep",
                self.peek_event().start_mark,
            )
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def parse_review_file(content: bytes, *, file_name: str = "") -> ParsedFile:
    """Parse a review file's bytes. Raises ReviewFileInvalid listing every problem found."""

    def refuse(line: int, message: str) -> ReviewFileInvalid:
        return ReviewFileInvalid([FileProblem(line, "(file)", message, file_name)])

    limit = settings.REVIEW_FILE_MAX_BYTES
    if len(content) > limit:
        raise refuse(1, f"the file is larger than {limit // (1024 * 1024)} MB")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        raise refuse(line, "the file is not UTF-8 text") from None
    if not text.strip():
        raise refuse(1, "the file is empty")

    loader = _PlainLoader(text)
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        raise refuse(line, f"this is not valid YAML: {error.problem or error.context}") from None
    except yaml.YAMLError as error:
        raise refuse(1, f"this is not valid YAML: {error}") from None
    finally:
        loader.dispose()

    builder = _Builder(loader, file_name)
    data = builder.build(root, ()) if root is not None else None
    if builder.problems:
        raise ReviewFileInvalid(builder.problems)
    if not isinstance(data, dict):
        raise refuse(
            1, "the file must be a YAML mapping that starts with 'format: review-tracker/1'"
        )
    return ParsedFile(data=data, lines=builder.lines, file_name=file_name)
