"""Hypothesis strategies for review files, derived from docs/review-format.schema.json.

`documents()` walks the schema (the subset of JSON Schema it uses: objects, arrays, strings
with a pattern or minimum length, enums, constants, nullable types and $ref) to build
documents the schema accepts; `corrupted_files()` then breaks some of them in the ways real
files break: keys missing or unknown, values of the wrong type, impossible dates, hostile
text, damaged YAML and damaged bytes.
"""

import json
from functools import cache

import yaml
from django.conf import settings
from hypothesis import strategies as st

SLUG = "^[a-z0-9-]+$"
DATE = r"^\d{4}-\d{2}-\d{2}$"
HOSTILE_TEXT = [
    "<script>alert(1)</script>",
    '=HYPERLINK("http://evil.example")',
    "'; DROP TABLE actions_action; --",
    "\u202eevil",
    "a\x00b",
    "{{ settings.SECRET_KEY }}",
    "x" * 5000,
]


@cache
def schema() -> dict:
    path = settings.BASE_DIR / "docs" / "review-format.schema.json"
    return json.loads(path.read_text(encoding="utf-8"))


def _resolve(node: dict) -> dict:
    if "$ref" in node:
        name = node["$ref"].removeprefix("#/$defs/")
        return schema()["$defs"][name]
    return node


def _string(node: dict) -> st.SearchStrategy:
    if node.get("pattern") == SLUG:
        return st.from_regex(r"\A[a-z0-9][a-z0-9-]{0,20}\Z")
    if node.get("pattern") == DATE:
        # Written as YAML dates (unquoted) or as quoted text, as people do both.
        return st.dates() | st.dates().map(lambda day: day.isoformat())
    minimum, maximum = node.get("minLength", 0), node.get("maxLength", 60)
    return st.text(
        st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
        min_size=minimum,
        max_size=min(maximum, 60),
    ) | st.sampled_from([text for text in HOSTILE_TEXT[:4] if len(text) <= maximum])


def from_schema(node: dict, depth: int = 0) -> st.SearchStrategy:
    node = _resolve(node)
    if "const" in node:
        return st.just(node["const"])
    if "enum" in node:
        return st.sampled_from(node["enum"])
    kind = node.get("type")
    if isinstance(kind, list):
        return st.one_of(*(from_schema({**node, "type": one}, depth) for one in kind))
    if kind == "null":
        return st.none()
    if kind == "string":
        return _string(node)
    if kind == "array":
        # Shallow and short: enough to reach every rule without slow examples.
        size = 3 if depth < 3 else 1
        return st.lists(from_schema(node["items"], depth + 1), max_size=size)
    if kind == "object" or "properties" in node:
        return _object(node, depth)
    return st.one_of(st.none(), st.text(max_size=5), st.integers())


def _object(node: dict, depth: int) -> st.SearchStrategy:
    properties = node.get("properties", {})
    required = set(node.get("required", []))

    @st.composite
    def build(draw):
        document = {}
        for name, child in properties.items():
            if name in required or draw(st.booleans()):
                document[name] = draw(from_schema(child, depth + 1))
        return document

    return build()


def documents() -> st.SearchStrategy:
    return from_schema(schema())


# Corruption --------------------------------------------------------------------------------

WRONG_VALUES = st.one_of(
    st.integers(),
    st.floats(allow_nan=True),
    st.booleans(),
    st.none(),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.sampled_from(HOSTILE_TEXT),
    st.sampled_from(["2017-02-30", "2017-13-01", "0000-00-00", "14 September 2017", ""]),
)


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, (*prefix, index))


def _parent(document, path):
    node = document
    for step in path[:-1]:
        node = node[step]
    return node


@st.composite
def corrupted_documents(draw):
    document = draw(documents())
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        paths = [path for path in _paths(document) if path]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = _parent(document, path)
        move = draw(st.sampled_from(["replace", "delete", "add", "duplicate"]))
        if move == "replace":
            parent[path[-1]] = draw(WRONG_VALUES)
        elif move == "delete":
            del parent[path[-1]]
        elif move == "add" and isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=8))] = draw(WRONG_VALUES)
        elif move == "duplicate" and isinstance(parent, list):
            parent.append(parent[path[-1]])
    return document


BYTE_DAMAGE = st.sampled_from(
    ["none", "truncate", "tab", "bad-utf8", "bom", "anchor-bomb", "python-tag", "empty"]
)


def _damage(content: bytes, how: str, where: int) -> bytes:
    cut = where % (len(content) + 1)
    return {
        "none": content,
        "truncate": content[:cut],
        "tab": content[:cut] + b"\t" + content[cut:],
        "bad-utf8": content[:cut] + b"\xff\xfe\xc3" + content[cut:],
        "bom": b"\xef\xbb\xbf" + content,
        "anchor-bomb": b'a: &a ["x","x"]\nb: &b [*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b]\n'
        + b"d: [*c,*c,*c,*c,*c,*c]\n"
        + content,
        "python-tag": b"x: !!python/object/apply:os.system ['true']\n" + content,
        "empty": b"",
    }[how]


@st.composite
def corrupted_files(draw) -> bytes:
    """The bytes of a review file that may be valid, subtly wrong or plainly broken."""
    document = draw(corrupted_documents())
    content = yaml.safe_dump(document, allow_unicode=True, sort_keys=False).encode("utf-8")
    how = draw(BYTE_DAMAGE) if draw(st.integers(0, 3)) == 0 else "none"
    return _damage(content, how, draw(st.integers(min_value=0)))
