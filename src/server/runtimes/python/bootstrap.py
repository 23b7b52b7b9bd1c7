# fnplay's built-in Python runtime: the process inside every python3 / python3.9 / python3.10 instance.
# It speaks the instance protocol (SPEC §4) on the Unix socket $FNPLAY_CA_SOCKET (127.0.0.1:
# $FC_SERVER_PORT when unset) and gives user code what FC 2.0's Python runtime gives (FC-RUNTIMES §2).
# Started as `python3 -u -B bootstrap.py` with cwd = code dir. The HTTP side is a small HTTP/1.1
# server of its own: http.server's imports would cost the cold start more than this file.
import logging
import os
import socket
import sys
import threading
import time
import traceback

import fc_interfaces as fc

# The runtime's own directory must not shadow user modules (a user `fc_interfaces.py`, say).
del sys.path[0]

CODE_DIR = os.environ.get("FC_FUNC_CODE_PATH") or os.getcwd()
RUNTIME = os.environ.get("FC_RUNTIME", "python3")
UNHANDLED = ", Error: Unhandled function error"
# The service kills a call at its deadline (SIGKILL, no chance to speak): the stack dump FC prints on
# its SIGTERM is printed this much before, if the call is still running then.
DUMP_BEFORE_DEADLINE_S = 0.1
# FC's whitelist of its variables that user code keeps (RT `_sanitize_envs`).
SAFE_ENV = {"FC_FUNC_CODE_PATH", "FC_FUNCTION_MEMORY_SIZE", "FC_RUNTIME_VERSION", "FC_ACCOUNT_ID", "FC_FUNCTION_HANDLER",
            "FC_FUNCTION_NAME", "FC_SERVICE_NAME", "FC_VER_ID", "FC_QUALIFIER", "FC_REGION", "FC_INSTANCE_ID", "FC_SNAPSHOT_FLAG"}

# ---------------------------------------------------------------- logging

state = {"latest": ""}  # the request id that started last: what the root logger stamps outside a call
local = threading.local()  # the request id of the call running on this thread
out_lock = threading.Lock()


def current_request_id():
    return getattr(local, "request_id", None) or state["latest"]


def write_out(text, stream=None):
    data = text.encode("utf-8", "replace")
    fd = (stream or sys.stdout).fileno()
    with out_lock:
        while data:
            data = data[os.write(fd, data):]


class FcLogHandler(logging.Handler):
    def emit(self, record):
        try:
            msg = self.format(record)
        except Exception:
            self.handleError(record)
            return
        # One record per line: the service splits the log on "\n", so inner newlines become "\r".
        write_out(msg.replace("\n", "\r") + "\n")


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.fc_request_id = current_request_id()
        return True


def init_logging():
    handler = FcLogHandler()
    formatter = logging.Formatter("%(asctime)s.%(msecs)03dZ %(fc_request_id)s [%(levelname)s] %(message)s", "%Y-%m-%dT%H:%M:%S")
    formatter.converter = time.gmtime
    handler.setFormatter(formatter)
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.handlers = [handler]
    level = os.environ.get("FC_SERVER_LOG_LEVEL") or "INFO"
    try:
        root.setLevel(level.upper())
    except ValueError:
        root.setLevel(logging.INFO)

# ---------------------------------------------------------------- loading user code

handlers = {}
load_lock = threading.Lock()


def load_module(modname):
    if modname in sys.modules:
        return sys.modules[modname]
    pos = modname.rfind("/")
    if pos == -1:
        import importlib
        return importlib.import_module(modname)
    # "dir/sub.mod": the module `sub.mod` found under /code/dir, registered under the whole name as FC does.
    import importlib.util
    from importlib.machinery import PathFinder
    path = [os.path.join(CODE_DIR, modname[:pos])]
    spec = None
    for segment in modname[pos + 1:].split("."):
        if not segment:
            raise ValueError("Empty module name")
        spec = PathFinder.find_spec(segment, path)
        if spec is None:
            raise ModuleNotFoundError("No module named '{}'".format(segment), name=segment)
        path = spec.submodule_search_locations or path
    module = importlib.util.module_from_spec(spec)
    sys.modules[modname] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(modname, None)
        raise
    return module


def get_handler(handler):
    """The function a handler string names; a RuntimeFault with FC's load error otherwise."""
    fn = handlers.get(handler)
    if fn is not None:
        return fn
    with load_lock:
        if handler in handlers:
            return handlers[handler]
        try:
            modname, fname = handler.rsplit(".", 1)
        except ValueError as e:
            raise fc.RuntimeFault("InvalidHandleName", "Invalid handler '{}'".format(handler), e)
        try:
            module = load_module(modname)
        except Exception as e:
            raise fc.load_fault(e, modname)
        try:
            fn = getattr(module, fname)
        except AttributeError as e:
            # FC answers with the AttributeError's own words: module 'index' has no attribute 'xxx'.
            raise fc.RuntimeFault("HandlerNotFound", str(e), e)
        handlers[handler] = fn
        return fn

# ---------------------------------------------------------------- calls


def exit_like_main_thread(e):
    """FC runs the handler on its main thread: sys.exit() there ends the process, so it ends it here too."""
    code = e.code if isinstance(e, SystemExit) else 130
    if code is None:
        code = 0
    elif not isinstance(code, int):
        write_out(str(code) + "\n", sys.stderr)
        code = 1
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(code & 0xFF)


def dump_stacks(request_id):
    """FC's output on a timeout (RT dump_stacks): every thread's stack, with the request id."""
    local.request_id = request_id
    logger = logging.getLogger()
    logger.error("Dumping stack trace after function timeout")
    for thread_id, stack in sys._current_frames().items():
        logger.error("request id = {}, thread id = {}".format(request_id, thread_id))
        logger.error(traceback.format_stack(stack))


def run_call(phase, headers, call):
    """One call between FC's Start and End lines; `call()` gives (status, headers, body) or raises."""
    ctx = fc.make_context(headers)
    rid = ctx.request_id
    state["latest"] = rid
    local.request_id = rid
    write_out("FC {} Start RequestId: {}\n".format(phase, rid))
    watchdog = None
    deadline = fc._int(headers.get("x-fc-function-deadline"), 0) / 1000.0
    if phase == "Invoke" and deadline > 0:
        watchdog = threading.Timer(max(0.0, deadline - time.time() - DUMP_BEFORE_DEADLINE_S), dump_stacks, (rid,))
        watchdog.daemon = True
        watchdog.start()
    try:
        status, out_headers, body = call(ctx)
        out_headers = out_headers + [("x-fc-status", "200")]
        suffix = ""
    except fc.RuntimeFault as fault:
        logging.getLogger().error(fault.body())
        status, out_headers, body, suffix = failure(fc.to_json(fault.body()))
    except UserError as ue:
        logging.getLogger().error(ue.body)
        status, out_headers, body, suffix = failure(ue.body)
    except Exception as e:
        text = fc.to_json(fc.error_dict(e, fc.user_frames(e.__traceback__)))
        logging.getLogger().error(text)
        status, out_headers, body, suffix = failure(text)
    except BaseException as e:
        exit_like_main_thread(e)
    finally:
        if watchdog is not None:
            watchdog.cancel()
        local.request_id = None
    # The End line tells the service this call's log is complete, so it goes out before the answer;
    # stderr is a pipe of its own, and a hidden line there says that stream is complete too.
    write_out("\x00fnplay:end {} {}\n".format(phase, rid), sys.stderr)
    write_out("FC {} End RequestId: {}{}\n".format(phase, rid, suffix))
    return status, out_headers, body


class UserError(Exception):
    def __init__(self, body):
        super().__init__(body)
        self.body = body


def failure(body_text):
    headers = [("content-type", "application/json"), ("x-fc-status", "404"), ("x-fc-error-type", "UnhandledInvocationError")]
    return 404, headers, body_text.encode("utf-8"), UNHANDLED


def call_user(fn, *args):
    """Runs user code; its exception becomes FC's error body, without the runtime's frames."""
    try:
        return fn(*args)
    except Exception as e:
        raise UserError(fc.to_json(fc.error_dict(e, fc.user_frames(e.__traceback__))))


def event_call(handler_header, event, is_invoke):
    def call(ctx):
        name = ctx.function.handler if is_invoke else handler_header
        if not name and not is_invoke:
            return 200, [], b""  # hook not configured: nothing to run
        fn = get_handler(name or "")
        result = call_user(fn, event, ctx) if is_invoke else call_user(fn, ctx)
        if not is_invoke:
            return 200, [], b""  # a hook's result is not an answer
        if not isinstance(result, (str, bytes)):
            try:
                body = fc.to_body(result)
            except (TypeError, ValueError) as e:
                raise UserError(fc.to_json(fc.error_dict(e, fc.user_frames(e.__traceback__))))
        else:
            body = fc.to_body(result)
        return 200, [("content-type", "application/octet-stream")], body
    return call


# Response headers that would break our framing of the answer, or be read as the runtime's verdict.
def dropped_response_header(name):
    return fc.hidden_header(name) or name in ("content-length", "transfer-encoding")


def http_call(method, target, header_pairs, body):
    def call(ctx):
        fn = get_handler(ctx.function.handler or "")
        environ = fc.wsgi_environ(method, target, header_pairs, body, ctx)
        start_response = fc.StartResponse()
        try:
            output = fn(environ, start_response)
            try:
                if not isinstance(output, bytes):
                    output = list(output)
                status, headers, data = start_response.response(output)
            finally:
                close = getattr(output, "close", None)
                if callable(close):
                    close()
        except Exception as e:
            logging.getLogger().error(traceback.format_exc())
            raise UserError(fc.to_json(fc.error_dict(e, fc.user_frames(e.__traceback__))))
        return status, [(k, v) for k, v in headers if not dropped_response_header(k.lower())], data
    return call

# ---------------------------------------------------------------- server

ROUTES = {
    ("POST", "/invoke"): ("Invoke", "x-fc-function-handler"),
    ("POST", "/initialize"): ("Initialize", "x-fc-function-initializer"),
    ("GET", "/pre-freeze"): ("PreFreeze", "x-fc-instance-lifecycle-pre-freeze-handler"),
    ("GET", "/pre-stop"): ("PreStop", "x-fc-instance-lifecycle-pre-stop-handler"),
}



def reason(status):
    from http import HTTPStatus
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Status"


def dispatch(method, target, header_pairs, body):
    headers = {}
    for k, v in header_pairs:
        lk = k.lower()
        headers[lk] = headers[lk] + ", " + v if lk in headers else v
    if headers.get("x-fc-control-path") == "/http-invoke":
        return run_call("Invoke", headers, http_call(method, target, header_pairs, body))
    route = ROUTES.get((method, target.split("?")[0]))
    if route is None:
        text = fc.to_json({"errorMessage": "unknown runtime request {} {}".format(method, target), "errorType": "Error"})
        return failure(text)[:3]
    phase, handler_header = route
    return run_call(phase, headers, event_call(headers.get(handler_header, ""), body, phase == "Invoke"))


def read_body(f, headers):
    te = headers.get("transfer-encoding", "").lower()
    if "chunked" in te:
        chunks = []
        while True:
            size = int(f.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while f.readline() not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(chunks)
            chunks.append(f.read(size))
            f.readline()
    n = int(headers.get("content-length", "0") or "0")
    return f.read(n) if n > 0 else b""


def serve_connection(conn):
    f = conn.makefile("rb")
    try:
        while True:
            line = f.readline(65537)
            if not line or line in (b"\r\n", b"\n"):
                if not line:
                    return
                continue
            method, target, _version = line.decode("latin-1").rstrip("\r\n").split(" ", 2)
            pairs = []
            while True:
                h = f.readline(65537)
                if h in (b"\r\n", b"\n", b""):
                    break
                k, _, v = h.decode("latin-1").partition(":")
                pairs.append((k.strip(), v.strip()))
            lower = {k.lower(): v for k, v in pairs}
            body = read_body(f, lower)
            # Header values came as latin-1 on the wire; user code sees the UTF-8 they were.
            pairs = [(k, v.encode("latin-1").decode("utf-8", "replace")) for k, v in pairs]
            status, out_headers, data = dispatch(method, target, pairs, body)
            head = ["HTTP/1.1 {} {}\r\n".format(status, reason(status))]
            for k, v in out_headers:
                head.append("{}: {}\r\n".format(k, v))
            head.append("content-length: {}\r\n\r\n".format(len(data)))
            conn.sendall("".join(head).encode("utf-8") + data)
            if lower.get("connection", "").lower() == "close":
                return
    except (ConnectionError, OSError):
        return
    finally:
        try:
            conn.close()
        except OSError:
            pass


def sanitize_env():
    for k in [k for k in os.environ if (k.startswith("FC_") or k.startswith("_FC_")) and k not in SAFE_ENV]:
        del os.environ[k]


def main():
    # As on FC: the code first, then a layer's packages, so vendored packages in the zip import.
    version = "{}.{}".format(sys.version_info.major, sys.version_info.minor)
    named = RUNTIME[len("python"):] if RUNTIME.startswith("python3.") else version
    extra = ["/opt/python/lib/python{}/site-packages".format(v) for v in dict.fromkeys([named, version])]
    sys.path[0:0] = [CODE_DIR] + extra + ["/opt/python"]
    init_logging()
    ca_socket = os.environ.pop("FNPLAY_CA_SOCKET", None)
    port = int(os.environ.get("FC_SERVER_PORT") or "9000")
    sanitize_env()
    if ca_socket:
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(ca_socket)
    else:
        server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", port))
    server.listen(64)
    write_out("fnplay: {} runs on the local Python {} ({})\n".format(RUNTIME, sys.version.split()[0], sys.executable))
    write_out("FunctionCompute python3 runtime inited.\n")
    while True:
        conn, _ = server.accept()
        threading.Thread(target=serve_connection, args=(conn,), daemon=True).start()


if __name__ == "__main__":
    main()
