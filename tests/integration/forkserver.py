"""`ape run` for the integration tests, without paying ape's start-up on every call.

A fresh `ape run` spends three to four seconds importing ape, its plugins, py-evm and the project's
commands before it reads its first argument; the integration tests run it about a hundred times.
This server imports all that once, and nothing more: no project loaded, no network, no ape manager
created (checked at start). Each command then runs in a child forked from it: a new process with its
own working folder, environment, standard streams, exit status and exit handlers, as
`subprocess.run(["ape", "run", ...])` gives, minus the imports.

The test process starts it on first use and talks to it over two pipes: a request (arguments,
folder, environment, files for the three streams), then the child's pid, then its exit status.
What Python or ape read from the environment or the command line while importing cannot change
in a child: a call that sets a `PYTHON*` variable or asks for ape's `-v` log level runs as a real
subprocess. `REVSHARE_TEST_FORK=0` makes every call one.
"""

from __future__ import annotations

import importlib
import os
import pickle
import struct
import sys

# What a fresh `ape run` spends most of its start-up importing (measured with `python -X importtime`).
WARM = (
    "ape",
    "ape._cli",
    "ape_run._cli",
    "ape.utils.basemodel",
    "ape.api.networks",
    "ape.contracts.base",
    "ape_ethereum.provider",
    "ape_node.provider",
    "ape_foundry.provider",
    "ape_optimism.ecosystem",
    "ape_solidity.compiler",
    "ape_test.provider",
    "eth_tester",
    "eth",
    "pandas",
    "web3",
    # the modules `scripts/*.py` import: ape run loads every script to list its commands
    "revshare.demo.command",
    "revshare.deploying.command",
    "revshare.deploying.verify_command",
    "revshare.governance.command",
    "revshare.keeper.command",
    "revshare.monitor.command",
    "revshare.report.command",
    "tools.benchmark_report",
    "tools.disburse_benchmark",
    "tools.fee_splitter_benchmark",
    "tools.fuzz_benchmark",
    "tools.gas_benchmark",
    "tools.monitor_benchmark",
)


def send(stream, value) -> None:
    data = pickle.dumps(value)
    stream.write(struct.pack(">I", len(data)) + data)
    stream.flush()


def receive(stream):
    (size,) = struct.unpack(">I", _exactly(stream, 4))
    return pickle.loads(_exactly(stream, size))


def _exactly(stream, size: int) -> bytes:
    """``size`` bytes from a pipe (an unbuffered one returns what has arrived so far)."""
    data = b""
    while len(data) < size:
        chunk = stream.read(size - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def _managers_created() -> list[str]:
    """The ape managers already created (each caches its first instance for the process)."""
    from ape.utils.basemodel import ManagerAccessMixin, manager_access

    return [
        name
        for name, value in vars(ManagerAccessMixin).items()
        if isinstance(value, manager_access) and value._cache is not None
    ]


def _child(request: dict, channel: tuple) -> None:
    """Become `ape run ARGS` as a new process would: never returns."""
    code = 1
    try:
        for stream in channel:
            stream.close()
        # The child stays in the server's process group, as a subprocess would: a Ctrl-C at the
        # terminal, or a signal to the shard's group, reaches it and the nodes it starts.
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        for fd, (path, mode) in enumerate(
            [
                (request["stdin"], os.O_RDONLY),
                (request["stdout"], os.O_WRONLY),
                (request["stderr"], os.O_WRONLY),
            ]
        ):
            opened = os.open(path, mode)
            os.dup2(opened, fd)
            os.close(opened)
        sys.argv = [request["ape"], "run", *request["args"]]
        sys.path[0] = os.path.dirname(request["ape"])  # as for the `ape` entry point: not the project
        from ape._cli import cli

        try:
            code = cli(prog_name="ape")
        except SystemExit as stop:
            code = stop.code
    except BaseException:
        import traceback

        traceback.print_exc()
        code = 1
    # The interpreter's own exit path: exit handlers run and the streams are flushed.
    sys.exit(code)


def serve() -> None:
    # The protocol moves off fds 0 and 1, which stay /dev/null until a child takes them over.
    requests = os.fdopen(os.dup(0), "rb")
    replies = os.fdopen(os.dup(1), "wb")
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)
    os.close(null)
    for name in WARM:
        importlib.import_module(name)
    created = _managers_created()
    send(replies, {"ready": not created, "created": created})
    if created:
        return
    while True:
        try:
            request = receive(requests)
        except EOFError:
            return
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            _child(request, (requests, replies))
        send(replies, pid)
        _, status = os.waitpid(pid, 0)
        send(replies, os.waitstatus_to_exitcode(status))


if __name__ == "__main__":
    serve()
