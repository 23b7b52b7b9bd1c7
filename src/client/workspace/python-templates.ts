/** The Python templates' index.py files (templates.ts lists them with their manifests). */

// Python: FC imports the module the handler names (index.handler → index.py) with the host's
// python3; only the standard library is there unless packages are vendored into the zip.
export const PYTHON_EVENT = `# -*- coding: utf-8 -*-
import json
import logging

# An event function: FC passes the payload as bytes and answers with what the handler returns
# (a str or bytes as they are, anything else as JSON).
# Lines logged with logging carry the request id, as FC's own log lines do.
logger = logging.getLogger()


# Runs once per instance, before its first invocation. Set "Initializer" to index.initialize.
# def initialize(context):
#     logger.info('initializing instance')


def handler(event, context):
    payload = event.decode('utf-8')
    logger.info('received %s', payload)
    return json.dumps({
        'message': 'hello from fnplay',
        'requestId': context.request_id,
        'echo': payload,
    })


# Runs once before the instance is frozen, after its last in-flight request ends.
# Set "PreFreeze handler" to index.pre_freeze.
# def pre_freeze(context):
#     logger.info('about to freeze')


# Runs once before the instance is stopped (idle reclaim, update, delete).
# Set "PreStop handler" to index.pre_stop.
# def pre_stop(context):
#     logger.info('about to stop')
`;

export const PYTHON_WSGI = `# -*- coding: utf-8 -*-
import json
import logging
from urllib.parse import parse_qsl

# An HTTP function: FC calls handler(environ, start_response), a WSGI application, with the
# client's request. A Flask app runs on FC the same way (app = Flask(__name__); handler calls
# app(environ, start_response)), with Flask vendored into the zip (pip install -t . flask).
# This app is plain WSGI in Flask's shape: views registered by path, standard library only.
logger = logging.getLogger()
routes = {}


def route(path):
    def register(view):
        routes[path] = view
        return view
    return register


class Request:
    """What a view needs from the WSGI environ."""

    def __init__(self, environ):
        self.method = environ['REQUEST_METHOD']
        self.path = environ.get('PATH_INFO') or '/'
        self.args = dict(parse_qsl(environ.get('QUERY_STRING', '')))
        length = int(environ.get('CONTENT_LENGTH') or 0)
        self.body = environ['wsgi.input'].read(length).decode('utf-8') if length else ''
        # FC puts the invocation's context in the environ
        self.context = environ['fc.context']


@route('/health')
def health(request):
    return '200 OK', 'text/plain', 'ok'


def echo(request):
    return '200 OK', 'application/json', json.dumps({
        'method': request.method,
        'path': request.path,
        'queries': request.args,
        'body': request.body,
        'requestId': request.context.request_id,
    })


def app(environ, start_response):
    request = Request(environ)
    logger.info('%s %s', request.method, request.path)
    status, content_type, text = routes.get(request.path, echo)(request)
    start_response(status, [('Content-Type', content_type)])
    return [text.encode('utf-8')]


def handler(environ, start_response):
    return app(environ, start_response)
`;

export const PYTHON_LIFECYCLE = `# -*- coding: utf-8 -*-
import logging

logger = logging.getLogger()

# Made once per instance by initialize, then used by every invocation (a DB pool, a client, …).
greeting = None


# The Initializer (index.initialize): runs once per instance, after it starts and before its
# first invocation. An invocation waits for it; if it fails, the invocation fails.
def initialize(context):
    global greeting
    logger.info('initializing')
    greeting = 'hello from an instance initialized by ' + context.request_id


def handler(event, context):
    return greeting + ': ' + event.decode('utf-8')


# PreFreeze (index.pre_freeze): runs before the instance is frozen, after its last in-flight
# request ends. Flush what is buffered here: a frozen instance runs nothing.
def pre_freeze(context):
    logger.info('about to freeze')


# PreStop (index.pre_stop): runs once before the instance is stopped (idle reclaim, update,
# delete). Release here what initialize made.
def pre_stop(context):
    logger.info('stopping')
`;
