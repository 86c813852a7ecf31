"""Superchain revenue-share toolkit: reference model, config, deployment and demo logic."""

from revshare.model import BPS_DENOMINATOR, DEFAULT_GROSS_BPS, DEFAULT_NET_BPS, Split, split

__all__ = ["BPS_DENOMINATOR", "DEFAULT_GROSS_BPS", "DEFAULT_NET_BPS", "Split", "split"]
