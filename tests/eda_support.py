"""The event source helix.users.changes as the tests run it: its coroutine with an asyncio queue, loaded the way
ansible-rulebook loads it (runpy.run_path of the file inside the installed collection), and ansible-rulebook
itself (the real engine, with Java 17) on a rulebook of extensions/eda/rulebooks/."""

import asyncio
import base64
import contextlib
import datetime
import glob
import json
import os
import runpy
import shutil
import signal
import socket
import subprocess
import sys
import time

import pytest

import support

SOURCE = os.path.join(support.COLLECTIONS, 'ansible_collections', 'helix', 'users', 'extensions', 'eda', 'plugins',
                      'event_source', 'changes.py')
RULEBOOKS = os.path.join(support.ROOT, 'extensions', 'eda', 'rulebooks')
BIN = os.path.dirname(sys.executable)
# Java 17 where Debian and Ubuntu put it (any architecture), and where Fedora and RHEL do
JAVA_HOMES = tuple(sorted(glob.glob('/usr/lib/jvm/java-17-openjdk*') + glob.glob('/usr/lib/jvm/java-1.17.0-openjdk*')
                          + glob.glob('/usr/lib/jvm/jre-17*')))


def load_source():
    """The plugin's globals, as ansible-rulebook gets them (its main is the entry point)."""
    support.ensure_collection_path()
    return runpy.run_path(SOURCE)


def free_port():
    with contextlib.closing(socket.socket()) as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def poll_args(sim, **extra):
    args = dict(helix_url=sim.url, helix_username=support.ADMIN_USER, helix_password=support.ADMIN_PASSWORD,
                interval=0.1, max_retries=0)
    args.update(extra)
    return args


class Running:
    """The source's main(queue, args) running as a task of the test's event loop."""

    def __init__(self, args, loop):
        self.queue = asyncio.Queue()
        self.task = loop.create_task(load_source()['main'](self.queue, args))

    async def events(self, count, timeout=10.0):
        """The next `count` events (fewer if the time runs out)."""
        found = []
        deadline = time.monotonic() + timeout
        while len(found) < count and time.monotonic() < deadline:
            if self.task.done():
                self.task.result()  # raises the source's error
                break
            try:
                found.append(await asyncio.wait_for(self.queue.get(), 0.05))
            except asyncio.TimeoutError:
                continue
        return found

    async def watching(self, sim, timeout=10.0):
        """Wait until the source has read its first window (what changes after that is an event)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(r['method'] == 'GET' and r['query'].get('sort') == 'Modified Date.asc' for r in sim.log):
                return
            if self.task.done():
                self.task.result()
            await asyncio.sleep(0.02)
        raise AssertionError('the source did not start watching within %s s' % timeout)

    async def listening(self, port, timeout=10.0):
        """Wait until the webhook listener accepts connections."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                _reader, writer = await asyncio.open_connection('127.0.0.1', port)
                writer.close()
                return
            except OSError:
                if self.task.done():
                    self.task.result()
                await asyncio.sleep(0.02)
        raise AssertionError('the listener did not start within %s s' % timeout)

    async def quiet(self, seconds):
        """The events that come within `seconds` (expected: none)."""
        await asyncio.sleep(seconds)
        found = []
        while not self.queue.empty():
            found.append(self.queue.get_nowait())
        return found

    async def stop(self):
        self.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.task


def run(coroutine_function, *args):
    return asyncio.run(coroutine_function(*args))


def basic(secret, user='ar-server'):
    return 'Basic ' + base64.b64encode(('%s:%s' % (user, secret)).encode()).decode()


# ---------------------------------------------------------------------------------------------------- the engine
def engine_env(tmp_path, env=None):
    """The environment of ansible-rulebook: the virtualenv's bin first (ansible-galaxy), Java 17, the collection."""
    run_env = dict((name, value) for name, value in os.environ.items() if not name.startswith('HELIX_'))
    run_env.update(PATH=BIN + os.pathsep + run_env.get('PATH', ''), ANSIBLE_COLLECTIONS_PATH=support.COLLECTIONS,
                   ANSIBLE_LOCAL_TEMP=str(tmp_path / 'ansible-local'), ANSIBLE_REMOTE_TMP=str(tmp_path / 'ansible-remote'),
                   ANSIBLE_HOME=str(tmp_path / 'ansible-home'), ANSIBLE_NOCOLOR='1', ANSIBLE_DEPRECATION_WARNINGS='0',
                   ANSIBLE_LOCALHOST_WARNING='0', ANSIBLE_INVENTORY_UNPARSED_WARNING='0', PYTHONUNBUFFERED='1')
    if not os.path.isdir(run_env.get('JAVA_HOME', '')):
        run_env['JAVA_HOME'] = next((home for home in JAVA_HOMES if os.path.isdir(home)), run_env.get('JAVA_HOME', ''))
    run_env.update(env or {})
    return run_env


def engine_problem():
    """Why ansible-rulebook can not run here (None when it can)."""
    if not os.path.exists(os.path.join(BIN, 'ansible-rulebook')):
        return 'ansible-rulebook is not installed in %s (make venv installs it)' % BIN
    if not any(os.path.isdir(home) for home in JAVA_HOMES + (os.environ.get('JAVA_HOME', '/nonexistent'),)):
        return 'no Java 17 (JAVA_HOME) for ansible-rulebook'
    return None


def require_engine(env=None):
    """Fail the test (make test installs the engine) when ansible-rulebook can not run here, naming why; skip it only
    when HELIX_SKIP_EDA=1 says to: a rulebook test skipped on its own would let `make test` pass untested."""
    env = os.environ if env is None else env
    problem = engine_problem()
    if problem is None:
        return
    if env.get('HELIX_SKIP_EDA') == '1':
        pytest.skip('%s, and HELIX_SKIP_EDA=1 says to skip the rulebook tests' % problem)
    pytest.fail('%s: make venv installs ansible-rulebook, Java 17 comes from the system (apt-get install '
                'openjdk-17-jre-headless); set HELIX_SKIP_EDA=1 to skip the rulebook tests on a machine without them'
                % problem)


class Rulebook:
    """ansible-rulebook running one rulebook of extensions/eda/rulebooks/ with these variables, until stopped."""

    def __init__(self, tmp_path, rulebook, variables, env=None):
        self.tmp_path = tmp_path
        inventory = tmp_path / 'inventory.yml'
        inventory.write_text('all:\n  hosts:\n    localhost:\n      ansible_connection: local\n'
                             '      ansible_python_interpreter: %s\n' % sys.executable, encoding='utf-8')
        self.vars_file = tmp_path / 'rulebook-vars.json'
        self.vars_file.write_text(json.dumps(variables), encoding='utf-8')
        self.log_path = tmp_path / 'ansible-rulebook.log'
        self.log = open(str(self.log_path), 'w', encoding='utf-8')  # pylint: disable=consider-using-with
        command = [os.path.join(BIN, 'ansible-rulebook'), '-r', os.path.join(RULEBOOKS, rulebook), '-i', str(inventory),
                   '--vars', str(self.vars_file), '-v']
        self.started = time.monotonic()
        self.process = subprocess.Popen(command, cwd=str(tmp_path), env=engine_env(tmp_path, env),  # pylint: disable=consider-using-with
                                        stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)

    def output(self):
        if not self.log.closed:
            self.log.flush()
        return self.log_path.read_text(encoding='utf-8')

    def wait_for(self, predicate, timeout, what):
        """Wait until predicate() is true; the seconds it took. Fails with the engine's output otherwise."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if predicate():
                return time.monotonic() - started
            if self.process.poll() is not None:
                raise AssertionError('ansible-rulebook ended (rc %s) before %s:\n%s' % (
                    self.process.returncode, what, self.output()[-6000:]))
            time.sleep(0.05)
        raise AssertionError('no %s within %s s; ansible-rulebook said:\n%s' % (what, timeout, self.output()[-6000:]))

    def logged_after(self, text, since):
        """Seconds from `since` (time.time()) to the first line of the engine's log holding text."""
        for line in self.output().splitlines():
            if text in line:
                stamp = datetime.datetime.strptime(line[:23], '%Y-%m-%d %H:%M:%S,%f')
                return stamp.timestamp() - since
        raise AssertionError('%r is not in the output of ansible-rulebook' % text)

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)
        self.log.close()
        support.OUTPUTS.append(self.log_path.read_text(encoding='utf-8'))

    @staticmethod
    def clean(path):
        shutil.rmtree(str(path), ignore_errors=True)
