"""The Superchain monitor: what each OP Stack chain owed the Optimism Collective and what it paid,
read from the chains themselves (fee vaults of both generations, this project's splitters, OP's
FeeSplitter, Base-style FeeDisbursers, payments into the Collective's Safes on L2 and L1), and
the attribution of shared splitters' epochs checked against the served chains' fee vaults, and the
L1 finality (from each chain's OptimismPortal) of the withdrawals to L1 its vaults and splitters start.

    from revshare.monitor import run_monitor
    result = run_monitor("superchain.yaml", out="reports/monitor")
"""

from revshare.monitor.result import MonitorResult
from revshare.monitor.run import run_monitor

__all__ = ["MonitorResult", "run_monitor"]
