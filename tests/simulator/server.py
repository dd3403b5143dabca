"""Threaded HTTP/1.1 server on werkzeug.serving, with keep-alive and TCP_NODELAY.

werkzeug's development handler always sends "Connection: close"; benchmarks need
persistent connections, so run_wsgi is replaced by a keep-alive version that
buffers each (small) response and sends it with a Content-Length.
"""

import socket
import threading

from werkzeug.exceptions import ClientDisconnected
from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler
from werkzeug.wsgi import LimitedStream

from .app import DROP_KEY


class KeepAliveHandler(WSGIRequestHandler):
    """One connection: serves requests until the client closes or goes idle."""

    protocol_version = "HTTP/1.1"
    timeout = 300  # idle keep-alive connections are closed after this many seconds

    def setup(self):
        super().setup()
        # Without this, a keep-alive client waits for delayed ACKs: ~40 ms per request.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.server.track(self.connection, True)

    def finish(self):
        self.server.track(self.connection, False)
        super().finish()

    def run_wsgi(self):
        self.environ = environ = self.make_environ()
        if not environ.get("wsgi.input_terminated"):
            try:
                length = max(0, int(environ.get("CONTENT_LENGTH") or 0))
            except ValueError:
                length, self.close_connection = 0, True
            environ["wsgi.input"] = LimitedStream(self.rfile, length)
            environ["wsgi.input_terminated"] = True
        reply, chunks = {}, []

        def start_response(status, headers, exc_info=None):
            del exc_info
            reply.update(status=status, headers=headers)
            return chunks.append

        result = self.server.app(environ, start_response)
        try:
            chunks.extend(result)
            body = b"".join(chunks)
        finally:
            if hasattr(result, "close"):
                result.close()
        self._drain(environ["wsgi.input"])
        if environ.get(DROP_KEY):
            self._drop()
            return
        code = int(reply["status"].split(" ", 1)[0])
        self.send_response(code)  # standard reason phrase ("Unauthorized", not werkzeug's "UNAUTHORIZED")
        bodiless = code in (204, 304)
        for name, value in reply["headers"]:
            if name.lower() != "content-length":
                self.send_header(name, value)
        if not bodiless:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body and self.command != "HEAD":
            self.wfile.write(body)

    def _drain(self, stream):
        """Read what the app left of the request body, so the next request starts clean."""
        try:
            while stream.read(65536):
                pass
        except (OSError, ClientDisconnected):
            self.close_connection = True

    def _drop(self):
        """Close the connection without any response (the client sees a connection error)."""
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def log_request(self, code="-", size="-"):
        """Silent: request lines are in the simulator's own log, never on stdout/stderr."""

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        """Silent as well (BaseHTTPRequestHandler prints errors here)."""

    def log(self, type, message, *args):  # pylint: disable=redefined-builtin
        """Silent: werkzeug's handler logs malformed requests to stderr through this."""


class SimServer(ThreadedWSGIServer):
    """ThreadedWSGIServer that remembers open connections so stop() can close them."""

    request_queue_size = 128

    def __init__(self, host, port, app):
        super().__init__(host, port, app, handler=KeepAliveHandler)
        self._connections = set()
        self._connections_lock = threading.Lock()

    def track(self, connection, is_open):
        with self._connections_lock:
            if is_open:
                self._connections.add(connection)
            else:
                self._connections.discard(connection)

    def close_connections(self):
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def log(self, type, message, *args):  # pylint: disable=redefined-builtin
        """Silent: werkzeug would print to stderr."""


class ServerThread:
    """Runs a SimServer in a daemon thread."""

    def __init__(self, app, host="127.0.0.1", port=0):
        self.server = SimServer(host, port, app)
        self.port = self.server.server_port
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1},
                                        name=f"helix-simulator-{self.port}", daemon=True)

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.close_connections()
        self.server.server_close()
        self._thread.join(timeout=5)
