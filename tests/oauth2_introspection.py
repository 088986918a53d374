#!/usr/bin/env python3
"""An OAuth 2.0 token introspection endpoint (RFC 7662) for the IMAP XOAUTH2 tests.

Dovecot's oauth2 passdb (introspection_mode = post) POSTs `token=...` here on every login. A
token is active while it is a line of --tokens, a file the test rewrites to issue and revoke
tokens; an active token belongs to --user.
"""
import argparse
import http.server
import json
import urllib.parse


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--tokens", required=True)
    parser.add_argument("--user", required=True)
    args = parser.parse_args()

    class Introspection(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            form = urllib.parse.parse_qs(self.rfile.read(length).decode())
            token = form.get("token", [""])[0]
            with open(args.tokens) as f:
                active = token != "" and token in f.read().split()
            answer = {"active": True, "username": args.user} if active else {"active": False}
            body = json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *unused):
            pass

    http.server.HTTPServer(("127.0.0.1", args.port), Introspection).serve_forever()


if __name__ == "__main__":
    main()
