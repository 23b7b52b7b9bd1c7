# What user code sees in FC 2.0's Python runtime (FC-RUNTIMES §2): the context object, the result
# and error encodings, the load errors and the WSGI environ. Imported by bootstrap.py only; kept
# apart so the bootstrap stays about the protocol.
import base64
import json
import os
import sys
import traceback
from io import BytesIO

BOOTSTRAP_DIR = os.path.dirname(os.path.abspath(__file__))

# ---------------------------------------------------------------- context


class Credentials:
    def __init__(self, access_key_id, access_key_secret, security_token):
        self.access_key_id = access_key_id
        self.access_key_secret = access_key_secret
        self.security_token = security_token

    accessKeyId = property(lambda self: self.access_key_id)
    accessKeySecret = property(lambda self: self.access_key_secret)
    securityToken = property(lambda self: self.security_token)

    def to_dict(self):
        return {"accessKeyId": self.access_key_id, "accessKeySecret": self.access_key_secret, "securityToken": self.security_token}


class FunctionMeta:
    def __init__(self, name, handler, memory, timeout):
        self.name = name
        self.handler = handler
        self.memory = memory
        self.timeout = timeout

    def to_dict(self):
        return {"name": self.name, "handler": self.handler, "memory": self.memory, "timeout": self.timeout}


class ServiceMeta:
    def __init__(self, name, log_project, log_store, qualifier, version_id):
        self.name = name
        self.log_project = log_project
        self.log_store = log_store
        self.qualifier = qualifier
        self.version_id = version_id

    logProject = property(lambda self: self.log_project)
    logStore = property(lambda self: self.log_store)
    versionId = property(lambda self: self.version_id)

    def to_dict(self):
        return {"name": self.name, "logProject": self.log_project, "logStore": self.log_store, "qualifier": self.qualifier, "versionId": self.version_id}


class Tracing:
    def __init__(self, span_context, base64_baggages, jaeger_endpoint):
        self.span_context = span_context
        self.jaeger_endpoint = jaeger_endpoint
        self.span_baggages = {}
        if base64_baggages:
            try:
                self.span_baggages = json.loads(base64.b64decode(base64_baggages))
            except Exception as e:
                sys.stderr.write("Failed to parse base64 opentracing baggages:[{}], err: {}\n".format(base64_baggages, e))

    # The names FC's documentation and the other runtimes use for the same three values.
    open_tracing_span_context = property(lambda self: self.span_context)
    open_tracing_span_baggages = property(lambda self: self.span_baggages)
    openTracingSpanContext = property(lambda self: self.span_context)
    openTracingSpanBaggages = property(lambda self: self.span_baggages)
    jaegerEndpoint = property(lambda self: self.jaeger_endpoint)

    def to_dict(self):
        return {"openTracingSpanContext": self.span_context, "openTracingSpanBaggages": self.span_baggages, "jaegerEndpoint": self.jaeger_endpoint}


class FCContext:
    def __init__(self, account_id, request_id, credentials, function, service, region, tracing, logger, retry_count=0):
        self.requestId = request_id
        self.request_id = request_id
        self.credentials = credentials
        self.function = function
        self.service = service
        self.region = region
        self.account_id = account_id
        self.retry_count = retry_count
        self.tracing = tracing
        self.logger = logger

    accountId = property(lambda self: self.account_id)
    retryCount = property(lambda self: self.retry_count)

    def to_json(self):
        return json.dumps({
            "requestId": self.request_id, "credentials": self.credentials.to_dict(), "function": self.function.to_dict(),
            "service": self.service.to_dict(), "region": self.region, "accountId": self.account_id,
            "retryCount": self.retry_count, "tracing": self.tracing.to_dict(),
        })

    def getLogger(self):
        if self.logger is None:
            import logging
            return logging.getLogger()
        return self.logger


def _int(v, default=0):
    try:
        return int(v)
    except (TypeError, ValueError):
        return default


def make_context(h):
    """The context of one call, from the instance protocol's x-fc-* headers (names lower-case)."""
    return FCContext(
        h.get("x-fc-account-id", ""),
        h.get("x-fc-request-id", ""),
        Credentials(h.get("x-fc-access-key-id", ""), h.get("x-fc-access-key-secret", ""), h.get("x-fc-security-token", "")),
        FunctionMeta(h.get("x-fc-function-name", ""), h.get("x-fc-function-handler", ""), _int(h.get("x-fc-function-memory")), _int(h.get("x-fc-function-timeout"))),
        ServiceMeta(h.get("x-fc-service-name", ""), h.get("x-fc-service-logproject", ""), h.get("x-fc-service-logstore", ""), h.get("x-fc-qualifier", ""), h.get("x-fc-version-id", "")),
        h.get("x-fc-region", ""),
        Tracing(h.get("x-fc-tracing-opentracing-span-context", ""), h.get("x-fc-tracing-opentracing-span-baggages", ""), h.get("x-fc-tracing-jaeger-endpoint", "")),
        # FC gives a logger of its own only when it runs calls concurrently; getLogger() serves either way.
        None,
        _int(h.get("x-fc-retry-count")),
    )

# ---------------------------------------------------------------- results and errors


def _default(obj):
    import datetime
    import decimal
    if isinstance(obj, decimal.Decimal):
        return float(obj)
    if isinstance(obj, (datetime.datetime, datetime.date)):
        return obj.isoformat()
    if hasattr(obj, "to_json"):
        return obj.to_json()
    raise TypeError(repr(obj) + " is not JSON serializable")


def to_json(obj):
    return json.dumps(obj, default=_default, indent=4, sort_keys=True)


def to_body(result):
    """FC's encoding of a handler's result: str as UTF-8, bytes unchanged, anything else (None too) as JSON."""
    if isinstance(result, bytes):
        return result
    if isinstance(result, str):
        return result.encode("utf-8", "surrogateescape")
    return to_json(result).encode("utf-8")


def error_dict(ex, trace_list):
    d = {"errorMessage": str(ex), "errorType": ex.__class__.__name__}
    if trace_list:
        d["stackTrace"] = trace_list
    return d


def user_frames(tb):
    """The traceback without the runtime's own frames: [file, line, function, source] per frame."""
    out = []
    for item in traceback.format_tb(tb):
        lines = item.split("\n")
        if os.path.dirname(_frame_file(lines[0])) == BOOTSTRAP_DIR:
            continue
        entry = [part.strip() for part in lines[0].split(",")]
        entry.append(lines[1].strip() if len(lines) > 1 else "")
        out.append(entry)
    return out


def _frame_file(line):
    start = line.find('"')
    end = line.find('"', start + 1)
    return line[start + 1:end] if start >= 0 and end > start else ""


class RuntimeFault(Exception):
    """A load error FC names itself; its stackTrace is the cause, flattened as FC does."""

    def __init__(self, type_name, message, cause):
        super().__init__(message)
        self.type_name = type_name
        self.trace = flat_trace(cause)

    def body(self):
        d = {"errorMessage": str(self), "errorType": self.type_name}
        if self.trace:
            d["stackTrace"] = self.trace
        return d


def flat_trace(cause):
    """format_exception_only, as strings: the first line split at commas (File "…", line N), carets dropped."""
    out = []
    for idx, chunk in enumerate(traceback.format_exception_only(type(cause), cause)):
        for item in chunk.split("\n"):
            item = item.replace("^", "").strip()
            if not item:
                continue
            if idx != 0:
                out.append(item)
            else:
                out.extend(p.strip() for p in item.split(",") if p.strip())
    return out


def load_fault(e, modname):
    if isinstance(e, ImportError):
        return RuntimeFault("ImportModuleError", "Unable to import module '{}'".format(modname), e)
    if isinstance(e, SyntaxError):
        return RuntimeFault("UserCodeSyntaxError", "Syntax error in module '{}'".format(modname), e)
    if isinstance(e, ValueError):
        return RuntimeFault("InvalidHandleName", "Invalid handler '{}'".format(modname), e)
    return RuntimeFault("UserCodeError", "Module initialization error: '%s'" % str(e), e)

# ---------------------------------------------------------------- WSGI

# Request headers the platform keeps to itself (FC drops them before the function sees the request).
def hidden_header(name):
    return name.startswith("x-fc-") or name in ("connection", "keep-alive")


def wsgi_environ(method, target, header_pairs, body, ctx):
    """FC's environ: os.environ, CGI keys, HTTP_* per header (repeats joined by ','), wsgi.*, fc.*."""
    from urllib.parse import unquote
    path, _, query = target.partition("?")
    environ = dict(os.environ)
    environ.update({
        "CONTENT_LENGTH": str(len(body)), "HTTP": "on", "SCRIPT_NAME": "",
        "SERVER_NAME": "FCRUNTIME", "SERVER_PORT": "9000", "SERVER_PROTOCOL": "HTTP/1.1", "SERVER_SOFTWARE": "FCRUNTIME/1.0",
        "CONTENT_TYPE": "application/octet-stream", "QUERY_STRING": query,
        "wsgi.version": (1, 0), "wsgi.input": BytesIO(body), "wsgi.errors": sys.stderr, "wsgi.url_scheme": "http",
        "wsgi.multithread": False, "wsgi.multiprocess": False, "wsgi.run_once": False,
        # PATH_INFO is decoded, as WSGI servers give it (latin-1 code points of the UTF-8 bytes).
        "PATH_INFO": unquote(path or "/", encoding="latin-1"), "REQUEST_METHOD": method,
        "fc.request_uri": target, "fc.context": ctx,
    })
    joined = {}
    forwarded = ""
    for k, v in header_pairs:
        lk = k.lower()
        if lk == "x-forwarded-for":
            forwarded = v
        if hidden_header(lk):
            continue
        joined.setdefault(lk, []).append(v)
    environ["REMOTE_ADDR"] = forwarded.split(",")[-1].strip() if forwarded else "127.0.0.1"
    content_type = joined.pop("content-type", None)
    if content_type:
        environ["CONTENT_TYPE"] = ",".join(content_type)
    for k, vs in joined.items():
        environ["HTTP_" + k.upper().replace("-", "_")] = ",".join(vs)
    environ["HTTP_X_FC_FUNCTION_HANDLER"] = ctx.function.handler
    return environ


class StartResponse:
    """start_response: keeps status and headers; write() data comes before the returned iterable."""

    def __init__(self):
        self.status = None
        self.headers = []
        self.body = BytesIO()

    def __call__(self, status, headers, exc_info=None):
        if exc_info and self.status is not None:
            raise exc_info[1].with_traceback(exc_info[2])
        self.status = int(str(status).split()[0].strip())
        self.headers = [(str(k), str(v)) for k, v in headers]
        return self.body.write

    def response(self, output):
        if isinstance(output, bytes):
            rest = output
        else:
            rest = b"".join(x if isinstance(x, bytes) else x.encode("utf-8") for x in output)
        if self.status is None:
            raise Exception("invalid response: start_response was not called")
        return self.status, self.headers, self.body.getvalue() + rest
