"""YAML for configuration files, stricter than `yaml.safe_load`: a key given twice in one mapping
is refused (plain YAML silently keeps the last one), and anchors and aliases are refused (an
alias "bomb" of a few hundred bytes expands to gigabytes). Files above `MAX_CONFIG_BYTES` are
refused before parsing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

MAX_CONFIG_BYTES = 1_000_000


class StrictYamlError(ValueError):
    """A file that is not acceptable YAML for a config; the message is one line."""


def _line(mark: Any) -> str:
    return f"line {mark.line + 1}" if mark is not None else "somewhere"


class _StrictLoader(yaml.SafeLoader):
    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            raise StrictYamlError(
                f"{_line(event.start_mark)}: aliases (*{str(event.anchor)[:40]}) are not allowed in a config"
            )
        if getattr(event, "anchor", None) is not None:
            raise StrictYamlError(
                f"{_line(event.start_mark)}: anchors (&{str(event.anchor)[:40]}) are not allowed in a config"
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                raise StrictYamlError(
                    f"{_line(key_node.start_mark)}: a mapping key must be a plain value"
                ) from None
            if key in seen:
                shown = repr(key) if len(repr(key)) <= 60 else repr(key)[:59] + "…"
                raise StrictYamlError(
                    f"{_line(key_node.start_mark)}: duplicate key {shown} "
                    f"(already given on line {seen[key]}); give each key once"
                )
            seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


def load_yaml_file(path: Path) -> Any:
    """The data in a YAML config file; StrictYamlError saying what is wrong and where."""
    try:
        size = path.stat().st_size
        if size > MAX_CONFIG_BYTES:
            raise StrictYamlError(f"the file has {size:,} bytes; a config has at most {MAX_CONFIG_BYTES:,}")
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise StrictYamlError("not UTF-8 text") from None
    except OSError as exc:
        raise StrictYamlError(f"cannot read the file ({exc.strerror or exc})") from None
    return load_yaml(text)


def load_yaml(text: str) -> Any:
    """Parse YAML text with duplicate keys, anchors and aliases refused."""
    try:
        return yaml.load(text, Loader=_StrictLoader)  # a SafeLoader subclass: no arbitrary objects
    except yaml.YAMLError as exc:
        # PyYAML's message quotes the offending text: keep the first lines, each cut short.
        lines = [line[:120] for line in str(exc).splitlines() if line.strip()][:4]
        raise StrictYamlError("not valid YAML: " + " / ".join(lines)) from None
