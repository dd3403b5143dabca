"""The simulator in a process of its own, driven through its admin endpoints (the demo and the benchmark use it)."""

import json
import os
import subprocess
import sys
import time
import urllib.request

TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class SimulatorProcess:
    """Start `python -m simulator` on a free port with the given CLI arguments; `url`, `admin()`, `stop()`."""

    def __init__(self, workdir, *arguments, start_timeout=30):
        port_file = os.path.join(workdir, 'simulator-port')
        env = dict(os.environ, PYTHONPATH=TESTS)
        self.proc = subprocess.Popen([sys.executable, '-m', 'simulator', '--port', '0', '--port-file', port_file]
                                     + list(arguments), env=env, stdout=subprocess.DEVNULL)
        deadline = time.time() + start_timeout
        while not (os.path.exists(port_file) and open(port_file, encoding='utf-8').read().strip()):
            if self.proc.poll() is not None or time.time() > deadline:
                self.proc.kill()
                raise SystemExit('the simulator did not start')
            time.sleep(0.05)
        with open(port_file, encoding='utf-8') as handle:
            self.url = 'http://127.0.0.1:%s' % handle.read().strip()

    def admin(self, path, body=None, method=None):
        """Call /__sim/<path>: GET, or POST when there is a body; returns the decoded JSON answer or None."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + '/__sim/' + path, data=data, method=method or (
            'POST' if data is not None else 'GET'), headers={'Content-Type': 'application/json'})
        with urllib.request.urlopen(request, timeout=600) as reply:
            text = reply.read()
        return json.loads(text) if text else None

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)
