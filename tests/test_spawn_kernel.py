"""The spawn backend in a real kernel (issue 15): chosen with %config; its workers (the spares
started in advance) gone after the kernel ends; after Ctrl-C only idle spares remain, the
job's worker is gone; the kernel's variables unchanged."""
from __future__ import annotations

import ast
import os
import time

import pytest
from jupyter_client import KernelManager

pytestmark = pytest.mark.slow

SETUP = """\
%load_ext jupyter_optimize
%config Optimize.start_method = "spawn"
import os
data = [3, 1, 2]
fast = "def total(values):\\n    return sum(values)\\n"
slow = "def total(values):\\n    import time\\n    time.sleep(60)\\n    return sum(values)\\n"
"""
RUN = """\
%%optimize total(data) --candidate fast -o rep --time-budget 0.3
def total(values):
    s = 0
    for v in values:
        s += v
    return s
"""
WORKER = ("import psutil\nfrom jupyter_optimize.sandbox import spawn\n"
          "print(repr((sorted(spawn.worker_pids()), [c.pid for c in psutil.Process().children()], "
          "rep.isolation, data)))")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as f:  # a zombie waiting for its parent counts as gone
        return f.read().rsplit(")", 1)[1].split()[0] != "Z"


def gone_within(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not alive(pid):
            return True
        time.sleep(0.1)
    return False


def execute(client, code: str, timeout: float = 180) -> tuple[str, list[dict]]:
    """Run *code*; its status and the outputs it produced."""
    msg_id = client.execute(code)
    outputs = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        msg = client.get_iopub_msg(timeout=timeout)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        if msg["msg_type"] in ("stream", "error", "execute_result", "display_data"):
            outputs.append(msg["content"])
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            break
    reply = client.get_shell_msg(timeout=timeout)
    return reply["content"]["status"], outputs


def printed(outputs: list[dict]) -> str:
    return "".join(o.get("text", "") for o in outputs)


@pytest.fixture
def kernel(tmp_path):
    manager = KernelManager(kernel_name="python3")
    manager.start_kernel(cwd=str(tmp_path), env={k: v for k, v in os.environ.items()
                                                  if k != "JUPYTER_OPTIMIZE_START_METHOD"})
    client = manager.client()
    client.start_channels()
    client.wait_for_ready(timeout=60)
    assert execute(client, SETUP)[0] == "ok"
    yield manager, client
    client.stop_channels()
    if manager.is_alive():
        manager.shutdown_kernel(now=True)


def test_the_workers_end_with_the_kernel(kernel):
    manager, client = kernel
    assert execute(client, RUN)[0] == "ok"
    spares, children, isolation, data = ast.literal_eval(printed(execute(client, WORKER)[1]).strip())
    assert isolation.startswith("spawn") and data == [3, 1, 2]
    assert spares and set(children) == set(spares)  # nothing but the spares, waiting
    manager.shutdown_kernel(now=False)
    assert all(gone_within(pid, 15) for pid in spares), "a worker outlived its kernel"


def test_ctrl_c_stops_the_run_and_leaves_only_idle_spares(kernel):
    manager, client = kernel
    msg_id = client.execute(RUN.replace("--candidate fast", "--candidate slow --timeout 120"))
    time.sleep(6)  # the slow candidate is sleeping in its worker by now
    manager.interrupt_kernel()
    reply = client.get_shell_msg(timeout=60)
    assert reply["parent_header"]["msg_id"] == msg_id
    status, outputs = execute(client, WORKER.replace("rep.isolation", "'-'"))
    if status == "aborted":  # ipykernel drops requests that arrive just after an interrupted cell
        time.sleep(1)
        status, outputs = execute(client, WORKER.replace("rep.isolation", "'-'"))
    spares, children, _isolation, data = ast.literal_eval(printed(outputs).strip())
    assert status == "ok" and data == [3, 1, 2]
    assert set(children) <= set(spares)  # the worker that ran the slow candidate is gone
