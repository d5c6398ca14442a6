"""Every effect a candidate tries stays in its child (issue 14), through optimize().

Each test runs in a working folder of its own with a few files whose bytes
and mtimes are recorded before the run and compared after it, and a fake
home folder: afterwards both are byte-for-byte the same, with no new files,
and the test process has no child left. The candidates return the right
answer and also try an effect, catching the PermissionError a refusal
raises, so only the containment's record can catch them.

The verdicts that follow from a refusal or from the files written are the
judge's (verify/judge.py); until it reads the containment those assertions
are skipped, after the assertions on the effects themselves.
"""
from __future__ import annotations

import inspect
import os
import signal
import socket
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import pytest
from processes import children

import jupyter_optimize.verify.judge
from jupyter_optimize import optimize, sandbox
from jupyter_optimize.sandbox import CAN_FORK, containment, run_isolated, spawn

pytestmark = pytest.mark.skipif(not CAN_FORK, reason="reads /proc and POSIX process groups")
slow = pytest.mark.slow  # a full optimize() run; the children's own tests below it are quick

QUICK = dict(time_budget=0.2, examples=10, verify_budget=0.3, sources="none")
JUDGED = "files_written" in inspect.getsource(jupyter_optimize.verify.judge)


def needs_judge() -> None:
    if not JUDGED:
        pytest.skip("the verdict from a refusal or a written file comes with the judge's half of issue 14")


def total(values):
    return sum(values)


CALLS = [(([1, 2, 3],), {})]
TRIES = """\
def total(values):
    import os, signal, socket, subprocess
    try:
        {effect}
    except Exception:
        pass  # the refusal is recorded anyway
    return sum(values)
"""


# -- the user's folders --------------------------------------------------------

def snapshot(folder: Path) -> dict[str, tuple[bytes | None, int]]:
    """Every entry under *folder*: its bytes (None for a folder) and its mtime."""
    found = {}
    for path in sorted(folder.rglob("*")):
        data = path.read_bytes() if path.is_file() else None
        found[str(path.relative_to(folder))] = (data, path.lstat().st_mtime_ns)
    return found


@pytest.fixture
def world(tmp_path, monkeypatch):
    """A working folder and a home folder with files in them, checked after the test."""
    user, home = tmp_path / "project", tmp_path / "home"
    (user / "sub").mkdir(parents=True)
    (user / "notes.txt").write_text("the user's notes\n")
    (user / "results.txt").write_text("the user's own results\n")
    (user / "sub" / "inner.txt").write_text("inside a folder\n")
    home.mkdir()
    (home / ".profile").write_text("# the user's profile\n")
    monkeypatch.chdir(user)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # hypothesis's cache, not in the home
    before = snapshot(user), snapshot(home)
    running = set(children())  # other tests' servers and kernels (the browser test's JupyterLab) are not ours
    yield user, home
    assert (snapshot(user), snapshot(home)) == before, "the user's folders changed"
    workers = spawn.worker_pids()  # the spawn backend's workers are kept for the next run, and are alone
    assert set(children()) - running - workers == set(), "a child outlived the run"
    assert all(children(of=worker) == set() for worker in workers), "a worker has a child left running"


# -- a child's scratch folder, directly ----------------------------------------

def in_child(job):
    result = run_isolated(job, timeout=30, memory_limit_mb=1024)
    assert result.ok, result.error
    return result.value


def test_the_mirror_reads_the_users_files_copies_them_on_write_and_resets(world):
    def job():
        box = containment.current()
        read = Path("notes.txt").read_text(), Path("sub/inner.txt").read_text()
        with open("sub/inner.txt", "a") as f:
            f.write("appended\n")
        Path("sub/new.txt").write_text("new\n")
        os.remove("notes.txt")
        os.rename("results.txt", "renamed.txt")
        os.chmod("sub/inner.txt", 0o600)
        written = box.files_written()
        box.reset_files()
        return read, written, box.files_written(), Path("sub/inner.txt").read_text(), sorted(os.listdir("."))

    read, written, after_reset, inner, listed = in_child(job)
    assert read == ("the user's notes\n", "inside a folder\n")
    assert written == {"notes.txt": None, "renamed.txt": b"the user's own results\n", "results.txt": None,
                       "sub/inner.txt": b"inside a folder\nappended\n", "sub/new.txt": b"new\n"}
    assert after_reset == {} and inner == "inside a folder\n"
    assert listed == ["notes.txt", "results.txt", "sub"]


def test_refusals_are_recorded_even_when_caught(world):
    user, home = world

    def job():
        box = containment.current()
        attempts = [lambda: os.link("notes.txt", "hard"),  # a hard link would let writes reach the user's file
                    lambda: open(home / "x", "w"),
                    lambda: open("../beside.txt", "w"),
                    lambda: os.chmod(user / "notes.txt", 0o600),
                    lambda: os.kill(1, signal.SIGTERM),
                    lambda: os.fork(),
                    # os.open's audit event leaves out dir_fd: every open folder is checked
                    lambda: os.open("notes.txt", os.O_WRONLY, dir_fd=os.open(user, os.O_RDONLY))]
        raised = []
        for attempt in attempts:
            try:
                attempt()
            except PermissionError:
                raised.append(True)
        return raised, box.take_refusals(), box.take_refusals()

    raised, refusals, again = in_child(job)
    assert raised == [True] * 7
    assert refusals == (f"linking to {user / 'notes.txt'}, outside the scratch folder",
                        f"writing {home / 'x'}, outside the scratch folder",
                        f"writing {user.parent / 'beside.txt'}, outside the scratch folder",
                        f"changing the permissions of {user / 'notes.txt'}, outside the scratch folder",
                        "sending SIGTERM to process 1",
                        "starting a process (os.fork)",
                        f"writing {user / 'notes.txt'}, outside the scratch folder")
    assert again == ()


def test_the_child_has_its_own_group_and_no_way_out_through_inherited_files(world, tmp_path):
    log = open(tmp_path / "kernel.log", "w")  # noqa: SIM115 - a file the kernel keeps open, like a log
    try:
        fd = log.fileno()  # a number: under spawn the worker has no such descriptor of the kernel's

        def job():
            try:
                os.write(fd, b"from the child\n")
            except OSError:
                pass
            return (os.getpgrp() == os.getpid(), os.getsid(0) != parent_session, sys.dont_write_bytecode,
                    tempfile.gettempdir().startswith(os.path.dirname(os.getcwd())))

        parent_session = os.getsid(0)
        assert in_child(job) == (True, True, True, True)
    finally:
        log.close()
    assert (tmp_path / "kernel.log").read_text() == ""


# -- effects on files ------------------------------------------------------------

@slow
@pytest.mark.parametrize("effect, verdict, words", [
    ("open('made_by_candidate.txt', 'w').write('x')", "incorrect", "made_by_candidate.txt"),
    ("os.remove('notes.txt')", "incorrect", "notes.txt"),
    ("open('notes.txt', 'w').write('overwritten')", "incorrect", "notes.txt"),
    ("open('sub/inner.txt', 'a').write('appended')", "incorrect", "inner.txt"),
    ("os.rename('notes.txt', 'moved.txt')", "incorrect", "moved.txt"),
    ("__import__('shutil').rmtree('sub')", "incorrect", "sub"),
])
def test_changes_in_the_working_folder_stay_in_the_scratch_folder(world, effect, verdict, words):
    report = optimize(total, CALLS, candidates=[TRIES.format(effect=effect)], **QUICK)
    needs_judge()
    result = report.results[0]
    assert result.verdict == verdict
    assert words in result.reason or words in str(result.counterexample)


@slow
def test_a_write_by_absolute_path_into_the_working_folder_is_refused(world):
    user, _home = world
    target = user / "absolute.txt"
    report = optimize(total, CALLS, candidates=[TRIES.format(effect=f"open({str(target)!r}, 'w')")], **QUICK)
    assert not target.exists()
    needs_judge()
    assert report.results[0].verdict == "failed"
    assert f"writing {target}, outside the scratch folder" in report.results[0].reason


@slow
def test_a_write_into_the_home_folder_is_refused(world):
    _user, home = world
    effect = "open(os.path.expanduser('~/candidate_notes.txt'), 'w').write('x')"
    report = optimize(total, CALLS, candidates=[TRIES.format(effect=effect)], **QUICK)
    assert not (home / "candidate_notes.txt").exists()
    needs_judge()
    assert report.results[0].verdict == "failed"
    assert f"writing {home / 'candidate_notes.txt'}" in report.results[0].reason


def test_only_hypothesis_itself_may_write_its_cache_folder(world, tmp_path):
    """The tool's own IO: hypothesis keeps its cache under $XDG_CACHE_HOME in every
    child; the same write from user code is refused."""
    import hypothesis

    cache = tmp_path / "cache" / "jupyter-optimize" / "hypothesis"
    writer = f"from pathlib import Path\nPath({str(cache / 'constants')!r}).mkdir(parents=True)\n" \
             f"Path({str(cache / 'constants' / 'entry')!r}).write_text('cached')\n"
    as_hypothesis = compile(writer, os.path.join(os.path.dirname(hypothesis.__file__), "_cache.py"), "exec")
    planting = f"from pathlib import Path\nPath({str(cache / 'constants' / 'planted')!r}).write_text('x')\n"
    as_user = compile(planting, "<candidate>", "exec")

    def job():
        exec(as_hypothesis, {})
        try:
            exec(as_user, {})
        except PermissionError:
            pass
        return containment.current().take_refusals()

    assert in_child(job) == (f"writing {cache / 'constants' / 'planted'}, outside the scratch folder",)
    assert (cache / "constants" / "entry").read_text() == "cached"
    assert not (cache / "constants" / "planted").exists()


# -- the network and other processes ------------------------------------------------

@slow
def test_a_connection_to_a_local_listener_is_refused(world):
    with socket.create_server(("127.0.0.1", 0)) as listener:
        port = listener.getsockname()[1]
        effect = f"socket.create_connection(('127.0.0.1', {port}), timeout=2).sendall(b'hi')"
        report = optimize(total, CALLS, candidates=[TRIES.format(effect=effect)], **QUICK)
        listener.setblocking(False)
        with pytest.raises(BlockingIOError):
            listener.accept()  # no connection ever came
    needs_judge()
    assert report.results[0].verdict == "failed"
    assert f"connecting to 127.0.0.1:{port}" in report.results[0].reason


@pytest.mark.parametrize("start, words", [
    ("subprocess.run(['touch', {marker!r}])", "starting a process (subprocess.Popen ['touch'"),
    ("os.system('touch ' + {marker!r})", "starting a process (os.system"),
])
@slow
def test_starting_a_process_is_refused(world, tmp_path, start, words):
    marker = tmp_path / "marker"
    effect = start.format(marker=str(marker))
    report = optimize(total, CALLS, candidates=[TRIES.format(effect=effect)], **QUICK)
    assert not marker.exists()
    needs_judge()
    assert report.results[0].verdict == "failed"
    assert words in report.results[0].reason


@slow
def test_killing_the_caller_is_refused(world):
    effect = "os.kill(os.getppid(), signal.SIGKILL)"
    report = optimize(total, CALLS, candidates=[TRIES.format(effect=effect)], **QUICK)
    # this process is alive to read the report
    needs_judge()
    assert report.results[0].verdict == "failed"
    assert f"sending SIGKILL to process {os.getpid()}" in report.results[0].reason


UNAUDITED = {  # doors with no audit event of their own (found in review), each closed in the child
    "pidfd": ("signal.pidfd_send_signal(os.pidfd_open(os.getppid()), signal.SIGKILL)", "os.pidfd_open"),
    "fork_exec": ("import _posixsubprocess; _posixsubprocess.fork_exec([b'/bin/sh', b'-c', b'touch escaped'], "
                  "[b'/bin/sh'], True, (), None, None, -1, -1, -1, -1, -1, -1, *os.pipe(), True, True, 0, None, None, "
                  "None, -1, None, False)", "_posixsubprocess.fork_exec"),
    "ctypes": ("import ctypes; ctypes.CDLL(None).kill(os.getppid(), 9)", "the C function kill through ctypes"),
    "unix socket": ("socket.socket(socket.AF_UNIX).bind(os.path.join(os.path.expanduser('~'), 'junk.sock'))",
                    "creating the socket file"),
    "memory cap": ("import resource; resource.setrlimit(resource.RLIMIT_AS, (-1, -1))", "changing its resource limits"),
}


@pytest.mark.parametrize("door", sorted(UNAUDITED))
def test_doors_without_an_audit_event_are_closed_too(world, door):
    effect, named = UNAUDITED[door]
    report = optimize(total, CALLS, candidates=[TRIES.format(effect=effect)], **QUICK)
    assert not (world[0] / "escaped").exists()  # the process never ran; the caller is alive; the fixture checks the rest
    needs_judge()
    assert report.results[0].verdict == "failed"
    assert named in report.results[0].reason


FORGER = """\
def total(values):
    import os, pickle

    class Payload:
        def __reduce__(self):
            return (os.system, ("touch " + os.path.join(os.path.expanduser("~"), "forged"),))

    for fd in os.listdir("/proc/self/fd"):  # the pipe the result goes back through
        try:
            if os.readlink(f"/proc/self/fd/{fd}").startswith("pipe:"):
                os.write(int(fd), pickle.dumps(("ok", Payload(), "")))
        except OSError:  # the listing's own descriptor, gone by now; or not writable
            continue
    os._exit(0)
"""
FRAMED = "struct.pack('!Q', len(forged)) + forged"  # how a spawn worker's replies are framed


def test_a_forged_result_runs_nothing_in_the_kernel(world):
    forger = FORGER
    if sandbox.chosen() == "spawn":  # the worker's replies come in frames: forge one
        forger = FORGER.replace("import os, pickle", "import os, pickle, struct").replace(
            'os.write(int(fd), pickle.dumps(("ok", Payload(), "")))',
            f'forged = pickle.dumps(("ok", Payload(), "", "")); os.write(int(fd), {FRAMED})')
    report = optimize(total, CALLS, candidates=[forger], **QUICK)
    r = report.results[0]
    assert not (world[1] / "forged").exists()  # os.system never ran in this process
    assert r.verdict == "failed" and "not read back" in r.reason and "system" in r.reason


# -- files as behaviour ----------------------------------------------------------------

def save_lines(lines, path):
    with open(path, "w") as f:
        for line in lines:
            f.write(line + "\n")
    return len(lines)


SAVE_RIGHT = """\
def save_lines(lines, path):
    with open(path, "w") as f:
        f.writelines(line + "\\n" for line in lines)
    return len(lines)
"""
SAVE_WRONG = """\
def save_lines(lines, path):
    with open(path, "w") as f:
        f.write("\\n".join(lines))
    return len(lines)
"""


@slow
def test_an_original_that_writes_its_path_argument_leaves_the_folder_alone(world):
    """The generated string arguments are paths too: no junk file appears."""
    calls = [((["first", "second"], "results.txt"), {})]
    report = optimize(save_lines, calls, candidates=[SAVE_RIGHT, SAVE_WRONG], **dict(QUICK, examples=40))
    needs_judge()
    right, wrong = report.results
    assert right.verdict in ("faster", "not_faster")
    assert wrong.verdict == "incorrect"
    assert "results.txt" in str(wrong.counterexample) or "line" in wrong.reason


def count_words(name):
    with open(name) as f:
        return len(f.read().split())


@slow
def test_reading_a_users_file_by_a_relative_path_works(world):
    candidate = "def count_words(name):\n    from pathlib import Path\n    return len(Path(name).read_text().split())\n"
    report = optimize(count_words, [(("notes.txt",), {}), (("sub/inner.txt",), {})], candidates=[candidate], **QUICK)
    assert report.results[0].verdict in ("faster", "not_faster"), report.results[0].reason


# -- interrupted runs --------------------------------------------------------------------

def _comm_of(token: str) -> list[int]:
    """Live processes named *token* (zombies count as gone)."""
    found = []
    for name in os.listdir("/proc"):
        try:
            comm = Path(f"/proc/{name}/comm").read_text().strip()
            state = Path(f"/proc/{name}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if comm == token and state != "Z":
            found.append(int(name))
    return found


@slow
def test_ctrl_c_leaves_no_process_and_no_scratch_folder(world, tmp_path, monkeypatch):
    token = "jo" + uuid.uuid4().hex[:10]
    scratch_parent = tmp_path / "scratch"
    scratch_parent.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch_parent))

    def total(values):  # noqa: F811 - the candidate, with the original's name
        import ctypes

        from jupyter_optimize.sandbox import containment

        libc = ctypes.CDLL(None)
        with containment.current().own_io():  # stands for C code forking where no audit hook sees it
            pid = os.fork()
        if pid == 0:  # a grandchild the audit hook did not see being made
            libc.prctl(15, token.encode(), 0, 0, 0)  # PR_SET_NAME: findable in /proc
            time.sleep(120)
            os._exit(0)
        time.sleep(120)
        return sum(values)

    def interrupt_once_the_grandchild_runs() -> None:
        deadline = time.monotonic() + 60
        while not _comm_of(token) and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(os.getpid(), signal.SIGINT)

    original = globals()["total"]
    threading.Thread(target=interrupt_once_the_grandchild_runs, daemon=True).start()
    with pytest.raises(KeyboardInterrupt):
        optimize(original, CALLS, candidates=[total], **dict(QUICK, timeout=100))
    deadline = time.monotonic() + 5
    while _comm_of(token) and time.monotonic() < deadline:  # SIGKILL is delivered, not awaited
        time.sleep(0.05)
    assert _comm_of(token) == []
    assert list(scratch_parent.iterdir()) == []


@slow
def test_a_timed_out_child_leaves_no_scratch_folder(world, tmp_path, monkeypatch):
    scratch_parent = tmp_path / "scratch"
    scratch_parent.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch_parent))
    hangs = TRIES.format(effect="open('left_behind.txt', 'w'); __import__('time').sleep(60)")
    report = optimize(total, CALLS, candidates=[hangs], **dict(QUICK, timeout=2))
    assert report.results[0].verdict == "failed"
    assert "timed out" in report.results[0].reason
    spawn.stop()  # under spawn the worker that replaced the timed-out one has its own scratch folder; no-op under fork
    assert list(scratch_parent.iterdir()) == []


def count_txt():
    n = 0
    for _root, _dirs, files in os.walk("."):  # does not follow symlinks: the mirror must show real folders
        n += sum(f.endswith(".txt") for f in files)
    return n


def test_a_walk_of_the_working_folder_sees_it_as_it_is(world):
    glob_count = "def count_txt():\n    import glob\n    return len(glob.glob('**/*.txt', recursive=True))\n"
    r = optimize(count_txt, [((), {})], candidates=[glob_count], **QUICK).results[0]
    assert count_txt() == 3  # notes.txt, results.txt, sub/inner.txt
    assert r.verdict in ("faster", "not_faster"), r.reason
