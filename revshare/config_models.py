"""What every YAML config of the toolkit shares: strict pydantic models (unknown keys refused,
nothing coerced), field checks worded the toolkit's way, and pydantic's errors turned into one
problem line each, all reported at once as a `ConfigError`.

A config module declares its mappings as `StrictModel` subclasses and calls `validate_file`
with the model of the whole file and, for error messages, the model of each mapping by the key
that holds it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, ClassVar, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, ValidationError, model_validator
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails

from revshare.model import BPS_DENOMINATOR
from revshare.values import parse_address, quoted
from revshare.yaml_file import StrictYamlError, load_yaml_file

# An error report lists at most this many problems, each cut to this many characters.
MAX_PROBLEMS_SHOWN = 25
MAX_PROBLEM_CHARS = 300


class ConfigError(ValueError):
    """A configuration file that cannot be used; ``problems`` lists every mistake found."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = [shorten(p) for p in problems[:MAX_PROBLEMS_SHOWN]]
        if len(problems) > MAX_PROBLEMS_SHOWN:
            self.problems.append(f"... and {len(problems) - MAX_PROBLEMS_SHOWN} more problems")
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"invalid config {shorten(source)}:\n{lines}")


def shorten(text: str) -> str:
    return text if len(text) <= MAX_PROBLEM_CHARS else text[: MAX_PROBLEM_CHARS - 1] + "…"


# ---------------------------------------------------------------- checks of a file's values
# Each raises ValueError with the problem as reported after the value's location.


def required_address(value: Any) -> str:
    if value is None:
        raise ValueError("is required")
    return parse_address(value)


def whole_number(low: int, high: int) -> BeforeValidator:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{quoted(value)} is not a whole number")
        if not low <= value <= high:
            raise ValueError(f"{value} is outside {low}..{high}")
        return value

    return BeforeValidator(check)


def bps(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{quoted(value)} is not a whole number of basis points")
    if not 0 <= value <= BPS_DENOMINATOR:
        raise ValueError(f"{value} bps is outside 0..{BPS_DENOMINATOR} (0% to 100%)")
    return value


def name(value: Any) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > 100:
        raise ValueError(f"{quoted(value)} is not a name (1 to 100 characters)")
    return value


def list_of(problem: str, *, at_least_one: bool = False) -> BeforeValidator:
    """A list, as a tuple; anything else (or no item, if ``at_least_one``) is ``problem``."""

    def check(value: Any) -> tuple[Any, ...]:
        if not isinstance(value, list | tuple) or (at_least_one and not value):
            raise ValueError(problem)
        return tuple(value)

    return BeforeValidator(check)


def distinct(addresses: tuple[str, ...]) -> tuple[str, ...]:
    if len(set(addresses)) != len(addresses):  # checksummed: one spelling per address
        raise ValueError("lists an address twice")
    return addresses


_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def rpc_url(value: Any) -> str:
    """A node's http(s) URL; ``${NAME}`` is read from the environment (keep API keys out of
    files). A problem never quotes the URL itself, which may carry a key."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError("must be the node's URL, e.g. http://127.0.0.1:8545 or ${OP_RPC}")
    missing = [name for name in _ENV.findall(value) if name not in os.environ]
    if missing:
        raise ValueError(f"environment variable {missing[0]} is not set")
    url = _ENV.sub(lambda match: os.environ[match.group(1)], value).strip()
    if not re.match(r"https?://[^\s/]", url, re.IGNORECASE):
        shown = f" ({quoted(value)})" if _ENV.fullmatch(value.strip()) else ""
        raise ValueError(f"is not an http(s) URL{shown}: give http://host:port or https://…")
    return url


Address = Annotated[str, BeforeValidator(required_address)]
Addresses = Annotated[tuple[Address, ...], AfterValidator(distinct)]
Bps = Annotated[int, BeforeValidator(bps)]
Name = Annotated[str, BeforeValidator(name)]
Rpc = Annotated[str, BeforeValidator(rpc_url)]


class StrictModel(BaseModel):
    """A mapping in the file: unknown keys are refused, nothing is coerced."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)
    not_a_mapping: ClassVar[str] = "must be a mapping"

    @model_validator(mode="before")
    @classmethod
    def _mapping(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            raise ValueError(cls.not_a_mapping)
        return data


# ---------------------------------------------------------------- pydantic's errors as problem lines
def where(loc: tuple[int | str, ...]) -> str:
    """``("chains", 0, "treasury")`` -> ``chains[0].treasury``; the file itself is ``config``."""
    path = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc)
    return path.lstrip(".") or "config"


class _Problems:
    def __init__(self, root: type[StrictModel], mappings: Mapping[str, type[StrictModel]]):
        self.root = root
        self.mappings = mappings

    def fields_at(self, loc: tuple[int | str, ...]) -> dict[str, FieldInfo]:
        """The keys of the mapping at ``loc``."""
        keys = [part for part in loc if isinstance(part, str)]
        return (self.mappings[keys[-1]] if keys else self.root).model_fields

    def line(self, error: ErrorDetails) -> str:
        """One pydantic error as a problem line, worded as the rest of the toolkit words it."""
        loc, kind = error["loc"], error["type"]
        if kind in ("extra_forbidden", "invalid_key"):  # invalid_key: a key that is not a string
            key = error["input"] if kind == "invalid_key" else loc[-1]
            fields = self.fields_at(loc[:-1])
            known = ", ".join(sorted(info.alias or key for key, info in fields.items()))
            return f"{where(loc[:-1])}: unknown key {quoted(str(key))} (expected one of: {known})"
        if kind == "missing":
            fields = {info.alias or key: info for key, info in self.fields_at(loc[:-1]).items()}
            hint = fields[str(loc[-1])].description
            return f"{where(loc)}: is required" + (f" ({hint})" if hint else "")
        if kind == "value_error":  # raised by a check above: its message, without pydantic's prefix
            return f"{where(loc)}: {error['ctx']['error']}"
        return f"{where(loc)}: {error['msg']}"


Model = TypeVar("Model", bound=StrictModel)


def validate_file(
    root: type[Model],
    data: Any,
    *,
    source: str,
    mappings: Mapping[str, type[StrictModel]],
    context: dict[str, Any] | None = None,
    not_a_mapping: str = "the file must hold a mapping",
) -> Model:
    """``data`` (loaded YAML) as a ``root`` model; a ConfigError lists every problem at once.
    ``mappings`` names the model of each nested mapping by the key that holds it."""
    if not isinstance(data, Mapping):
        raise ConfigError(source, [not_a_mapping])
    try:
        return root.model_validate(dict(data), context=context)
    except ValidationError as exc:
        # A default computed from a value that failed adds nothing to that value's problem.
        errors = [e for e in exc.errors() if e["type"] != "default_factory_not_called"]
        problems = _Problems(root, mappings)
        raise ConfigError(source, [problems.line(error) for error in errors]) from None


def read_config_file(path: Path) -> Any:
    """A config file's YAML (strict: no duplicate keys, no aliases), or a ConfigError naming it."""
    if path.is_dir():
        raise ConfigError(str(path), ["is a folder, not a config file"])
    if not path.is_file():
        raise ConfigError(str(path), ["file not found"])
    try:
        return load_yaml_file(path)
    except StrictYamlError as exc:
        raise ConfigError(str(path), [str(exc)]) from None
