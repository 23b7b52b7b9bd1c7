/** The Python scenario's function: the echo every latency scenario calls, as FC's Python runtime runs it (bytes back as they came). */
export const PYTHON_ECHO = `def handler(event, context):
    return event
`;

/**
 * The cold-start floor for Python: the standard library's http.server answering the instance
 * protocol's POST (echo, x-fc-status 200), saying "listening" once it listens on
 * 127.0.0.1:FC_SERVER_PORT. Run with the interpreter and flags fnplay's runtime uses.
 */
export const BARE_PYTHON_SERVER = `import http.server
import os


class Echo(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get('content-length') or 0))
        self.send_response(200)
        self.send_header('content-type', 'application/octet-stream')
        self.send_header('x-fc-status', '200')
        self.send_header('content-length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = http.server.HTTPServer(('127.0.0.1', int(os.environ['FC_SERVER_PORT'])), Echo)
print('listening', flush=True)
server.serve_forever()
`;
