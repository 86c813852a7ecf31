"""Parsers for the values users type into configs and command lines: addresses, 32-byte hashes,
amounts, chain ids. One parser per kind, shared by `revshare.deploying.config` and the `ape run` options,
so a value the config refuses is refused on the command line too. Each raises ValueError with a
one-line message; values quoted in a message are truncated (`quoted`)."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from eth_utils import is_checksum_address, to_checksum_address

UINT256_MAX = 2**256 - 1
# EIP-155 chain ids: v = id * 2 + 36 must fit in 64 bits, so id <= floor((2**64 - 1) / 2) - 36.
MAX_CHAIN_ID = (2**64 - 1) // 2 - 36
WEI_UNITS = {"wei": 0, "gwei": 9, "ether": 18, "eth": 18}
_ADDRESS_RE = re.compile(r"0x[0-9a-fA-F]{40}")
_HASH32_RE = re.compile(r"0x[0-9a-fA-F]{64}")
_QUOTE_LIMIT = 60
# An amount's number has at most this many characters; 10**_MAX_EXPONENT bounds its size, so
# "1e999999999 ether" is refused without building a billion-digit integer.
_MAX_AMOUNT_TEXT = 100
_MAX_EXPONENT = 100


def quoted(value: Any, limit: int = _QUOTE_LIMIT) -> str:
    """``repr(value)``, cut to ``limit`` characters (error messages stay short for any input)."""
    text = repr(value)
    if len(text) <= limit:
        return text
    return f"{text[: limit - 1]}… ({len(text):,} characters)"


def parse_address(value: Any, *, allow_zero: bool = False) -> str:
    """A 0x-prefixed 20-byte address in checksum form. Mixed-case input must carry a correct
    EIP-55 checksum (as wallets require); all-lowercase or all-uppercase hex is accepted."""
    if not isinstance(value, str) or not _ADDRESS_RE.fullmatch(value):
        raise ValueError(f"{quoted(value)} is not an address (0x followed by 40 hex digits)")
    digits = value[2:]
    if digits not in (digits.lower(), digits.upper()) and not is_checksum_address(value):
        raise ValueError(
            f"{value} fails its EIP-55 checksum (its mixed-case letters do not match): probably a typo; "
            "check the address (all-lowercase hex skips the check)"
        )
    if not allow_zero and int(value, 16) == 0:
        raise ValueError("must not be the zero address")
    return to_checksum_address(value)


def parse_hash32(value: Any) -> str:
    """A 32-byte hash: exactly ``0x`` and 64 hex digits, nothing around them; lower-case."""
    if not isinstance(value, str) or not _HASH32_RE.fullmatch(value):
        raise ValueError(f"{quoted(value)} is not a 32-byte hash (0x followed by exactly 64 hex digits)")
    return value.lower()


def parse_chain_id(value: Any) -> int:
    """An EIP-155 chain id: a whole number in 1..`MAX_CHAIN_ID`."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{quoted(value)} is not a whole number")
    if not 1 <= value <= MAX_CHAIN_ID:
        raise ValueError(f"chain id {quoted(value)} is outside 1..{MAX_CHAIN_ID} (EIP-155)")
    return value


def _amount_error(value: Any) -> ValueError:
    return ValueError(f"{quoted(value)} is not an amount (use wei or e.g. '1.5 ether')")


def _exact_wei(value: str) -> Fraction:
    parts = value.split()
    unit = parts[1].lower() if len(parts) == 2 else "wei"
    if len(parts) not in (1, 2) or unit not in WEI_UNITS or len(parts[0]) > _MAX_AMOUNT_TEXT:
        raise _amount_error(value)
    try:
        number = Decimal(parts[0])
    except InvalidOperation:
        raise _amount_error(value) from None
    if not number.is_finite():
        raise ValueError(f"{quoted(value)} is not a finite number of wei")
    if number.is_zero():
        return Fraction(0)
    if number.adjusted() + WEI_UNITS[unit] > _MAX_EXPONENT:
        raise ValueError(f"{quoted(value)} is far too large")
    return Fraction(number) * 10 ** WEI_UNITS[unit]  # exact: no rounding at any size


def parse_amount(value: Any, *, maximum: int = UINT256_MAX) -> int:
    """An amount in wei from an integer or a string such as ``"1.5 ether"`` or ``"20 gwei"``,
    exactly (never rounded): NaN, infinity, negative amounts, fractions of a wei and amounts
    above ``maximum`` are refused.

    >>> parse_amount("1.5 ether"), parse_amount("20 gwei"), parse_amount(7)
    (1500000000000000000, 20000000000, 7)
    >>> parse_amount("0.1 wei")
    Traceback (most recent call last):
    ...
    ValueError: '0.1 wei' is not a whole, non-negative number of wei (1 wei is the smallest amount)
    """
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise _amount_error(value)
    wei = Fraction(value) if isinstance(value, int) else _exact_wei(value)
    if wei < 0:
        raise ValueError(f"{quoted(value)} is not a whole, non-negative number of wei (it is negative)")
    if wei.denominator != 1:
        raise ValueError(
            f"{quoted(value)} is not a whole, non-negative number of wei (1 wei is the smallest amount)"
        )
    if wei > maximum:
        raise ValueError(f"{quoted(value)} is above the maximum of {format_wei(maximum)}")
    return int(wei)


def format_wei(wei: int) -> str:
    """An amount with every significant digit, in ETH when whole ETH or more, else in wei."""
    if wei >= 10**18 and wei < 10**40:
        whole, fraction = divmod(wei, 10**18)
        digits = f"{fraction:018d}".rstrip("0")
        return f"{whole:,}{'.' + digits if digits else ''} ETH"
    return f"{wei:,} wei"


_DURATION_UNITS = {
    "s": 1,
    "second": 1,
    "m": 60,
    "minute": 60,
    "h": 3_600,
    "hour": 3_600,
    "d": 86_400,
    "day": 86_400,
}
_DURATION_RE = re.compile(r"(\d{1,12})\s*([a-z]*?)s?")
# Later than any block timestamp this toolkit expects (year 9999), earlier than 2**64.
_MAX_TIMESTAMP = 253_402_300_799


def parse_duration(value: Any) -> int:
    """Seconds, from ``3600``, ``12h``, ``30 days`` (s, m, h, d; full words too)."""
    text = str(value).strip().lower()
    found = _DURATION_RE.fullmatch(text)
    if not found or found[2] not in ("", *_DURATION_UNITS):
        raise ValueError(f"{quoted(value)} is not a duration: write seconds, or e.g. '12h' or '30 days'")
    return int(found[1]) * _DURATION_UNITS.get(found[2], 1)


def parse_time(value: Any) -> int:
    """A UTC time as a unix timestamp, from ``1798761600``, ``2027-01-01`` or
    ``2027-01-01T12:00`` (UTC unless an offset is given); ``earliest`` (or 0) is 0."""
    from datetime import datetime, timezone

    text = str(value).strip()
    if text.lower() in ("earliest", "0"):
        return 0
    if text.isdigit():
        if len(text) > 12:
            raise ValueError(f"{quoted(value)} is not a time between 1970 and 9999")
        timestamp = int(text)
    else:
        try:
            when = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(
                f"{quoted(value)} is not a time: write a unix timestamp, a UTC date like 2027-01-01, "
                "2027-01-01T12:00, or 'earliest'"
            ) from None
        timestamp = int((when if when.tzinfo else when.replace(tzinfo=timezone.utc)).timestamp())
    if not 0 < timestamp <= _MAX_TIMESTAMP:
        raise ValueError(f"{quoted(value)} is not a time between 1970 and 9999")
    return timestamp
