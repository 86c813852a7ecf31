"""`ape run demo`: deploy on a local anvil, run simulated days of fees, print the disbursements and
write the transparency report. The command lives in `revshare.demo.command`."""

from revshare.demo.command import cli

__all__ = ["cli"]
