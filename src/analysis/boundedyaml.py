"""YAML written by people (mappings, the jobs file), read with bounded work.

``yaml.safe_load`` builds no objects of arbitrary classes, but it still expands aliases: a few lines of
nested aliases (a "billion laughs") become billions of values once the document is used, and a document
nested ten thousand deep exhausts the recursion of PyYAML's composer. So the size of the text, the depth
of nesting and the number of values *with every alias expanded* are counted on the parser's event stream
(flat, no recursion, nothing built) before the document is loaded. An alias that repeats a list of values,
as a mapping may do, is well within the bounds. Imports nothing from the package.
"""

from __future__ import annotations

import yaml

MAX_BYTES = 1 << 20
MAX_DEPTH = 32
MAX_NODES = 200_000


class YamlLimitError(ValueError):
    """The document is larger, deeper or more repetitive than a hand-written file; the message says how."""


def load_bounded(text: str, max_bytes: int = MAX_BYTES, max_depth: int = MAX_DEPTH, max_nodes: int = MAX_NODES):
    """``yaml.safe_load(text)``, refusing (YamlLimitError) more than ``max_bytes`` of text, nesting deeper than
    ``max_depth`` and more than ``max_nodes`` values, aliases expanded. Raises yaml.YAMLError for bad YAML."""
    size = len(text.encode("utf-8", errors="replace"))
    if size > max_bytes:
        raise YamlLimitError(f"expected at most {max_bytes:,} bytes of YAML; this is {size:,}")
    # Per anchor: (values, depth) of its node, aliases inside it expanded. Per open collection: [anchor,
    # values, depth below it].
    anchors: dict[str, tuple[int, int]] = {}
    open_: list[list] = []
    total = 0

    def add(values: int, depth: int, line: int) -> None:
        nonlocal total
        if len(open_) + depth > max_depth:
            raise YamlLimitError(f"line {line}: expected at most {max_depth} levels of nesting")
        if open_:
            open_[-1][1] += values
            open_[-1][2] = max(open_[-1][2], depth)
        total += values if not open_ else 0
        if (open_[-1][1] if open_ else total) > max_nodes or total > max_nodes:
            raise YamlLimitError(
                f"line {line}: expected at most {max_nodes:,} values, every alias (*name) expanded; "
                "this document holds more (are aliases repeating aliases?)"
            )

    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        line = event.start_mark.line + 1 if event.start_mark else 0
        if isinstance(event, yaml.AliasEvent):
            values, depth = anchors.get(event.anchor, (1, 0))
            add(values, depth, line)
        elif isinstance(event, yaml.ScalarEvent):
            if event.anchor:
                anchors[event.anchor] = (1, 0)
            add(1, 0, line)
        elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            if len(open_) >= max_depth:
                raise YamlLimitError(f"line {line}: expected at most {max_depth} levels of nesting")
            open_.append([event.anchor, 1, 0])
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            anchor, values, depth = open_.pop()
            if anchor:
                anchors[anchor] = (values, depth + 1)
            add(values, depth + 1, line)
    return yaml.safe_load(text)
