#!/usr/bin/env python3
"""A Microsoft Graph emulator for rapport's tests, written from Microsoft's documentation.

It serves, on a loopback port, what `rapport sync` asks of Microsoft 365 app-only:
  POST /{tenant}/oauth2/v2.0/token        client credentials (client_secret, or a client_assertion
                                          JWT: RS256, x5t#S256, aud, iss = sub = client id, exp)
  GET  /v1.0/users, /v1.0/users/{id|mail}, /v1.0/groups/{id}/members   (paged, $top, nextLink)
  GET  /v1.0/users/{id}/mailFolders, .../mailFolders/{id}/childFolders  (paged)
  GET  /v1.0/users/{id}/mailFolders/{id}/messages/delta  ($select, Prefer: odata.maxpagesize,
                                          $skiptoken next links, $deltatoken delta links, @removed)
  GET  /v1.0/users/{id}/messages/delta    400: Graph has no mailbox-wide message delta
  GET  /v1.0/users/delta, /v1.0/groups/delta   the directory ($select; a group's members as
                                          members@delta: all at first, then who joined and who
                                          left, "@removed"; a user's manager as manager@delta
                                          when it changed); deleted users and groups "@removed"
  GET  /v1.0/users/{id}/events/{id}      one event or series master ($select)
  GET  /v1.0/users/{id}/calendarView/delta?startDateTime=&endDateTime=   (no $select; the window
                                          is carried by the links; events changed outside it and
                                          deleted ones come back as @removed, reason "deleted")
Errors have Graph's shapes: {"error": {"code", "message"}} and the token endpoint's
{"error", "error_description": "AADSTS...: ..."}. Faults a test can inject (POST /_control):
  {"throttle_every": N}  every Nth Graph request answers 429 with Retry-After: 0
  {"unavailable_every": N} every Nth answers 503 (no Retry-After: the client backs off itself)
  {"expire_tokens": true} every token issued so far answers 401 InvalidAuthenticationToken
  {"expire_tokens_every": N} so does every token at every Nth request
  {"expire_links": true}  every skip and delta token issued so far answers 410 SyncStateNotFound
  {"add": {"user", "folder", "message"}} / {"remove": {"user", "folder", "id"}}  new mail, deletions
  {"add_event": {"user", "event"}} (a new id adds, a known one updates) / {"remove_event": {"user", "id"}}
  {"deny_mail": true} / {"deny_calendar": true} / {"deny_groups": true}  403 ErrorAccessDenied
  {"latency_ms": N}      every Graph request takes N ms more, as over a real network
  {"directory_user": {...}} / {"remove_directory_user": id} / {"group": {id, displayName,
  members}} / {"remove_group": id}    directory changes
GET /_stats gives request counts and the most requests ever in flight at once, in all and for
one mailbox. Mailboxes come from a JSON file (--mailboxes), which the test
builds from ../shared/corpus; --export DIR writes each folder as a Graph JSON page, for comparing
with `rapport ingest`.
"""
import argparse, base64, hashlib, json, mailbox, os, subprocess, tempfile, threading, time, uuid
from datetime import timezone
from email.utils import getaddresses, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit, parse_qs, unquote

LOCK = threading.Lock()
STATE = {"requests": 0, "throttle_every": 0, "unavailable_every": 0, "throttled": 0,
         "expire_tokens_every": 0,
         "deny_mail": False, "deny_calendar": False, "deny_groups": False, "unselected": 0,
         "tokens": set(), "links": {}, "link_epoch": 0, "token_epoch": 0,
         "latency_ms": 0, "in_flight": 0, "max_in_flight": 0, "mailbox_in_flight": {},
         "max_mailbox_in_flight": 0}


def b64url_decode(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


class Mailboxes:
    def __init__(self, spec):
        self.tenant = spec["tenant"]
        self.client_id = spec["client_id"]
        self.secret = spec.get("secret")
        self.certificate = spec.get("certificate")  # PEM path
        self.users = spec["users"]  # [{id, mail, folders: [{id, displayName, parent, messages}]}]
        for u in self.users:
            for f in u["folders"]:
                if "mbox" in f:  # real mail: each message of an mbox file as Graph gives it
                    f["messages"] = [graph_message(m, f"{u['id']}/{f['id']}/{i}")
                                     for i, m in enumerate(mailbox.mbox(f.pop("mbox")))]
        self.groups = spec.get("groups", {})
        # Per folder: an ordered change log of (version, kind, message or id).
        self.version = 0
        self.log = {}
        for u in self.users:
            for f in u["folders"]:
                for m in f.get("messages", []):
                    self.change(u["id"], f["id"], "upsert", m)
            for e in u.get("events", []):
                self.change(u["id"], CALENDAR, "upsert", e)
            self.change(DIRECTORY, "users", "upsert", dict(
                {"id": u["id"], "displayName": u.get("displayName", u["mail"]),
                 "mail": u["mail"] or None, "userPrincipalName": u["mail"] or u["id"] + "@x.example",
                 "userType": "Member", "manager": u.get("manager")},
                proxyAddresses=["SMTP:" + u["mail"]] + ["smtp:" + a for a in u.get("aliases", [])]
                if u["mail"] else []))
        for gid, members in self.groups.items():
            self.change(DIRECTORY, "groups", "upsert",
                        {"id": gid, "displayName": gid, "mail": None, "members": list(members)})

    def change(self, uid, fid, kind, item):
        self.version += 1
        self.log.setdefault((uid, fid), []).append((self.version, kind, item))

    def user(self, key):
        for u in self.users:
            if u["id"] == key or u["mail"].lower() == key.lower():
                return u
        return None

    def alive_at(self, uid, fid, version):
        alive = {}
        for v, kind, item in self.log.get((uid, fid), []):
            if v > version:
                break
            if kind == "upsert":
                alive[item["id"]] = item
            else:
                alive.pop(item, None)
        return alive

    def live(self, uid, fid, since=0, kind="message"):
        """Items alive now (since=0), or changes after version `since` as items and tombstones
        of resource type `kind`."""
        alive, changed = {}, {}
        for version, change, item in self.log.get((uid, fid), []):
            mid = item["id"] if change == "upsert" else item
            if change == "upsert":
                alive[mid] = item
            else:
                alive.pop(mid, None)
            if version > since:
                changed[mid] = item if change == "upsert" else None
        if since == 0:
            return list(alive.values())
        return [m if m is not None else {"@odata.type": "#microsoft.graph." + kind, "id": mid,
                                         "@removed": {"reason": "deleted"}}
                for mid, m in changed.items()]


CALENDAR = "#calendar"  # the change log key of a user's calendar
DIRECTORY = "#directory"  # the owner of the users' and the groups' change logs


def members_delta(groups, before):
    """groups delta: members@delta instead of members -- who joined and who left since `before`
    (all members in a round's first answer, when `before` is empty)."""
    out = []
    for g in groups:
        if "@removed" in g:
            out.append(g)
            continue
        old = before.get(g["id"], {}).get("members", [])
        new = g.get("members", [])
        user = lambda m, **extra: dict({"@odata.type": "#microsoft.graph.user", "id": m}, **extra)
        changes = [user(m) for m in new if m not in old] + [
            user(m, **{"@removed": {"reason": "deleted"}}) for m in old if m not in new]
        out.append(dict({k: v for k, v in g.items() if k != "members"},
                        **{"members@delta": changes}))
    return out


def manager_delta(users, before):
    """users delta: manager@delta when the manager changed since `before` (a round's first
    answer: when there is one), the old one marked @removed when there is none now; nothing
    when it did not change."""
    out = []
    for u in users:
        if "@removed" in u:
            out.append(u)
            continue
        old, new = before.get(u["id"], {}).get("manager"), u.get("manager")
        item = {k: v for k, v in u.items() if k != "manager"}
        ref = {"@odata.type": "#microsoft.graph.user"}
        if new != old and new:
            item["manager@delta"] = [dict(ref, id=new)]
        elif new != old:
            item["manager@delta"] = [dict(ref, id=old, **{"@removed": {"reason": "deleted"}})]
        out.append(item)
    return out


def graph_time(value):
    """A dateTimeTimeZone in UTC (the emulator's events are all written in UTC) as epoch seconds."""
    from datetime import datetime
    return datetime.fromisoformat(value["dateTime"][:19]).replace(tzinfo=timezone.utc).timestamp()


def in_window(event, window):
    """calendarView: the events that overlap [start, end)."""
    return graph_time(event["start"]) < window[1] and graph_time(event["end"]) > window[0]


def windowed(items, window, since):
    """A calendarView's items: out-of-window events are left out of a first round, and come back
    as "deleted" in later ones, as Graph's documentation says they do."""
    out = []
    for item in items:
        if "@removed" in item or not in_window(item, window):
            if since:
                out.append({"@odata.type": "#microsoft.graph.event", "id": item["id"],
                            "@removed": {"reason": "deleted"}})
        else:
            out.append(item)
    return out


def graph_message(msg, seed):
    """A message resource (Graph v1.0 message) from an RFC 5322 message."""
    def people(field):
        return [{"emailAddress": {"name": name, "address": address}}
                for name, address in getaddresses([str(v) for v in msg.get_all(field, [])])
                if "@" in address]
    try:
        sent = parsedate_to_datetime(str(msg["Date"])).astimezone(timezone.utc)
        sent = sent.strftime("%Y-%m-%dT%H:%M:%SZ")
    except Exception:
        sent = None
    sender = people("From")
    item = {"@odata.type": "#microsoft.graph.message",
            "@odata.etag": 'W/"' + hashlib.sha1(seed.encode()).hexdigest()[:16] + '"',
            "id": "AAMkAG" + hashlib.sha256(seed.encode()).hexdigest(),
            "receivedDateTime": sent, "sentDateTime": sent,
            "subject": str(msg.get("Subject", "")),
            "internetMessageId": str(msg.get("Message-ID", "")).strip() or None,
            "from": sender[0] if sender else None, "sender": sender[0] if sender else None,
            "toRecipients": people("To"), "ccRecipients": people("Cc"),
            "bccRecipients": people("Bcc"),
            "body": {"contentType": "text", "content": "(the emulator never serves bodies)"}}
    return {k: v for k, v in item.items() if v is not None}


def select(item, fields):
    if not fields or "@removed" in item:
        return item
    keep = {"id", "@odata.etag", "@odata.type"} | set(fields)
    if "members" in fields:
        keep.add("members@delta")
    if "manager" in fields:
        keep.add("manager@delta")
    return {k: v for k, v in item.items() if k in keep}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    boxes = None
    base = ""

    def log_message(self, *args):
        pass

    def send_json(self, status, body, headers=None):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def graph_error(self, status, code, message, headers=None):
        self.send_json(status, {"error": {"code": code, "message": message}}, headers)

    def read_body(self):
        n = int(self.headers.get("Content-Length", "0"))
        return self.rfile.read(n).decode() if n else ""

    # ---- token endpoint -------------------------------------------------------------------
    def do_POST(self):
        path = urlsplit(self.path).path
        if path == "/_control":
            return self.control(json.loads(self.read_body() or "{}"))
        parts = path.strip("/").split("/")
        if len(parts) != 4 or parts[1:] != ["oauth2", "v2.0", "token"]:
            return self.graph_error(404, "NotFound", "no such endpoint")
        form = {k: v[0] for k, v in parse_qs(self.read_body()).items()}
        boxes = self.boxes
        aad = lambda status, error, code, text: self.send_json(
            status, {"error": error, "error_description": f"{code}: {text}"})
        if parts[0] != boxes.tenant:
            return aad(400, "invalid_request", "AADSTS90002", f"Tenant '{parts[0]}' not found.")
        if form.get("grant_type") != "client_credentials":
            return aad(400, "unsupported_grant_type", "AADSTS70003", "grant type not supported")
        if form.get("client_id") != boxes.client_id:
            return aad(400, "unauthorized_client", "AADSTS700016",
                       f"Application with identifier '{form.get('client_id')}' was not found")
        if not form.get("scope", "").endswith("/.default"):
            return aad(400, "invalid_scope", "AADSTS1002012", "scope must end with /.default")
        if "client_secret" in form:
            if form["client_secret"] != boxes.secret:
                return aad(401, "invalid_client", "AADSTS7000215",
                           "Invalid client secret provided.")
        elif "client_assertion" in form:
            why = self.check_assertion(form["client_assertion"], path)
            if why:
                return aad(401, "invalid_client", "AADSTS700027", why)
        else:
            return aad(401, "invalid_client", "AADSTS7000216", "client_secret or assertion needed")
        token = uuid.uuid4().hex
        with LOCK:
            STATE["tokens"].add(token)
        self.send_json(200, {"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599,
                             "access_token": token})

    def check_assertion(self, jwt, path):
        try:
            head_b64, claims_b64, sig_b64 = jwt.split(".")
            head = json.loads(b64url_decode(head_b64))
            claims = json.loads(b64url_decode(claims_b64))
        except Exception:
            return "Client assertion is not a valid JWT."
        der = subprocess.run(["openssl", "x509", "-in", self.boxes.certificate, "-outform", "DER"],
                             capture_output=True, check=True).stdout
        thumb = base64.urlsafe_b64encode(hashlib.sha256(der).digest()).decode().rstrip("=")
        if head.get("alg") != "RS256" or head.get("x5t#S256") != thumb:
            return "Client assertion contains an invalid signature (unknown key)."
        with tempfile.TemporaryDirectory() as d:
            pub = os.path.join(d, "pub.pem")
            subprocess.run(["openssl", "x509", "-in", self.boxes.certificate, "-pubkey", "-noout",
                            "-out", pub], check=True)
            open(os.path.join(d, "data"), "wb").write(f"{head_b64}.{claims_b64}".encode())
            open(os.path.join(d, "sig"), "wb").write(b64url_decode(sig_b64))
            ok = subprocess.run(["openssl", "dgst", "-sha256", "-verify", pub, "-signature",
                                 os.path.join(d, "sig"), os.path.join(d, "data")],
                                capture_output=True).returncode == 0
        if not ok:
            return "Client assertion contains an invalid signature."
        now = time.time()
        if claims.get("aud") != self.base + self.path.split("?")[0]:
            return f"The audience claim must be the token endpoint, not {claims.get('aud')}."
        if claims.get("iss") != self.boxes.client_id or claims.get("sub") != self.boxes.client_id:
            return "iss and sub must be the client id."
        if not (claims.get("nbf", 0) <= now + 300 and claims.get("exp", 0) > now):
            return "The client assertion has expired."
        return None

    def control(self, body):
        with LOCK:
            for key in ("throttle_every", "unavailable_every", "expire_tokens_every", "latency_ms"):
                if key in body:
                    STATE[key] = int(body[key])
            for key in ("deny_mail", "deny_calendar", "deny_groups"):
                if key in body:
                    STATE[key] = bool(body[key])
            if body.get("expire_tokens"):
                STATE["tokens"].clear()
            if body.get("expire_links"):
                STATE["links"].clear()
            if "add" in body:
                a = body["add"]
                self.boxes.change(a["user"], a["folder"], "upsert", a["message"])
            if "remove" in body:
                r = body["remove"]
                self.boxes.change(r["user"], r["folder"], "delete", r["id"])
            if "add_event" in body:
                a = body["add_event"]
                self.boxes.change(a["user"], CALENDAR, "upsert", a["event"])
            if "directory_user" in body:
                self.boxes.change(DIRECTORY, "users", "upsert", body["directory_user"])
            if "remove_directory_user" in body:
                self.boxes.change(DIRECTORY, "users", "delete", body["remove_directory_user"])
            if "group" in body:
                self.boxes.change(DIRECTORY, "groups", "upsert", body["group"])
            if "remove_group" in body:
                self.boxes.change(DIRECTORY, "groups", "delete", body["remove_group"])
            if "remove_event" in body:
                r = body["remove_event"]
                self.boxes.change(r["user"], CALENDAR, "delete", r["id"])
        self.send_json(200, {"ok": True})

    # ---- Graph ----------------------------------------------------------------------------
    def do_GET(self):
        url = urlsplit(self.path)
        if url.path == "/_stats":
            with LOCK:
                return self.send_json(200, {k: STATE[k] for k in (
                    "requests", "throttled", "unselected", "max_in_flight",
                    "max_mailbox_in_flight")})
        # Requests in flight at once, in all and per mailbox (Graph allows four per mailbox).
        parts = [unquote(p) for p in url.path.strip("/").split("/")]
        mailbox = parts[2] if len(parts) > 3 and parts[1] == "users" else None
        with LOCK:
            STATE["in_flight"] += 1
            STATE["max_in_flight"] = max(STATE["max_in_flight"], STATE["in_flight"])
            if mailbox:
                n = STATE["mailbox_in_flight"].get(mailbox, 0) + 1
                STATE["mailbox_in_flight"][mailbox] = n
                STATE["max_mailbox_in_flight"] = max(STATE["max_mailbox_in_flight"], n)
            latency = STATE["latency_ms"]
        try:
            if latency:
                time.sleep(latency / 1000)
            self.graph_get(url)
        finally:
            with LOCK:
                STATE["in_flight"] -= 1
                if mailbox:
                    STATE["mailbox_in_flight"][mailbox] -= 1

    def graph_get(self, url):
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        with LOCK:
            STATE["requests"] += 1
            n = STATE["requests"]
            if STATE["expire_tokens_every"] and n % STATE["expire_tokens_every"] == 0:
                STATE["tokens"].clear()  # as if every token had reached its expiry
            authorised = self.headers.get("Authorization", "")[7:] in STATE["tokens"]
            throttle = STATE["throttle_every"] and n % STATE["throttle_every"] == 0
            unavailable = STATE["unavailable_every"] and n % STATE["unavailable_every"] == 0
            if throttle:
                STATE["throttled"] += 1
        if not authorised:
            return self.graph_error(401, "InvalidAuthenticationToken",
                                    "Access token has expired or is not yet valid.")
        if throttle:
            return self.graph_error(429, "TooManyRequests", "Application is over its quota.",
                                    {"Retry-After": "0"})
        if unavailable:
            return self.graph_error(503, "ServiceNotAvailable", "Try again later.")
        parts = [unquote(p) for p in url.path.strip("/").split("/")]
        if not parts or parts[0] != "v1.0":
            return self.graph_error(404, "NotFound", "unknown API version")
        parts = parts[1:]
        top = int(query.get("$top", "100"))
        fields = [f for f in query.get("$select", "").split(",") if f]
        if parts in (["users", "delta"], ["groups", "delta"]):
            if parts[0] == "groups" and STATE["deny_groups"]:
                return self.graph_error(403, "Authorization_RequestDenied",
                                        "Insufficient privileges to complete the operation.")
            return self.delta_round((DIRECTORY, parts[0]), "/v1.0/" + "/".join(parts), query,
                                    fields, None, parts[0][:-1])
        if parts == ["users"]:
            return self.page([select(self.user_json(u), fields) for u in self.boxes.users],
                             url.path, query, top)
        if len(parts) == 2 and parts[0] == "users":
            u = self.boxes.user(parts[1])
            if not u:
                return self.graph_error(404, "Request_ResourceNotFound",
                                        f"Resource '{parts[1]}' does not exist.")
            return self.send_json(200, select(self.user_json(u), fields))
        if len(parts) == 3 and parts[0] == "groups" and parts[2] == "members":
            members = self.boxes.groups.get(parts[1])
            if members is None:
                return self.graph_error(404, "Request_ResourceNotFound", "no such group")
            users = [self.user_json(self.boxes.user(m)) for m in members if self.boxes.user(m)]
            return self.page([dict(select(u, fields), **{"@odata.type": "#microsoft.graph.user"})
                              for u in users], url.path, query, top)
        if len(parts) >= 3 and parts[0] == "users":
            u = self.boxes.user(parts[1])
            if not u:
                return self.graph_error(404, "ErrorInvalidUser", "The requested user is invalid.")
            rest = parts[2:]
            if STATE["deny_mail"] and rest and rest[0] in ("mailFolders", "messages"):
                return self.graph_error(403, "ErrorAccessDenied",
                                        "Access is denied. Check credentials and try again.")
            if rest == ["messages", "delta"]:
                return self.graph_error(400, "ErrorInvalidRequest",
                                        "Change tracking is not supported against 'microsoft.graph.message'.")
            if rest == ["mailFolders"]:
                return self.page([self.folder_json(u, f) for f in u["folders"] if not f.get("parent")],
                                 url.path, query, top)
            if len(rest) == 3 and rest[0] == "mailFolders" and rest[2] == "childFolders":
                return self.page([self.folder_json(u, f) for f in u["folders"]
                                  if f.get("parent") == rest[1]], url.path, query, top)
            if len(rest) == 4 and rest[0] == "mailFolders" and rest[2:] == ["messages", "delta"]:
                return self.delta(u, rest[1], query, fields)
            if rest == ["calendarView", "delta"]:
                if STATE["deny_calendar"]:
                    return self.graph_error(403, "ErrorAccessDenied",
                                            "Access is denied. Check credentials and try again.")
                return self.calendar_delta(u, query)
            if len(rest) == 2 and rest[0] == "events":
                # A series master (the user's "series"; calendarView never lists masters) or an
                # event of the calendar, by id.
                found = [e for e in u.get("series", []) + self.boxes.live(u["id"], CALENDAR)
                         if e["id"] == rest[1]]
                if not found:
                    return self.graph_error(404, "ErrorItemNotFound",
                                            "The specified object was not found in the store.")
                return self.send_json(200, select(found[0], fields))
        return self.graph_error(404, "NotFound", "unknown resource " + url.path)

    def user_json(self, u):
        return {"id": u["id"], "mail": u["mail"], "userPrincipalName": u["mail"],
                "displayName": u.get("displayName", u["mail"])}

    def folder_json(self, u, f):
        children = sum(1 for g in u["folders"] if g.get("parent") == f["id"])
        return {"id": f["id"], "displayName": f["displayName"], "parentFolderId": f.get("parent"),
                "childFolderCount": children,
                "totalItemCount": len(self.boxes.live(u["id"], f["id"]))}

    def page(self, items, path, query, top):
        skip = int(query.get("$skiptoken", "0"))
        body = {"@odata.context": f"{self.base}/v1.0/$metadata#{path.split('/')[-1]}",
                "value": items[skip:skip + top]}
        if skip + top < len(items):
            q = "&".join(f"{k}={v}" for k, v in query.items() if k != "$skiptoken")
            body["@odata.nextLink"] = f"{self.base}{path}?{q}&$skiptoken={skip + top}"
        self.send_json(200, body)

    def delta(self, u, fid, query, fields):
        if "$skiptoken" not in query and "$deltatoken" not in query and (
                not fields or "body" in fields):
            with LOCK:
                STATE["unselected"] += 1  # a client that would read bodies
        key = (u["id"], fid)
        if key not in self.boxes.log and not any(f["id"] == fid for f in u["folders"]):
            return self.graph_error(404, "ErrorItemNotFound", "The specified folder could not be found.")
        path = f"/v1.0/users/{u['id']}/mailFolders/{fid}/messages/delta"
        return self.delta_round(key, path, query, fields, None, "message")

    def calendar_delta(self, u, query):
        if "$select" in query:
            return self.graph_error(400, "ErrorInvalidRequest", "The query parameter '$select' "
                                    "is not supported with change tracking over 'calendarView'.")
        window = None
        if "$skiptoken" not in query and "$deltatoken" not in query:
            try:
                window = (graph_time({"dateTime": query["startDateTime"]}),
                          graph_time({"dateTime": query["endDateTime"]}))
            except (KeyError, ValueError):
                return self.graph_error(400, "ErrorInvalidParameter", "This request requires a "
                                        "time window specified by the query string parameters "
                                        "StartDateTime and EndDateTime.")
        path = f"/v1.0/users/{u['id']}/calendarView/delta"
        return self.delta_round((u["id"], CALENDAR), path, query, [], window, "event")

    def delta_round(self, key, path, query, fields, window, kind):
        """One page of a delta round. A link's state carries the query (fields, window) that
        began the round; a delta link's is the log version the round ended at."""
        size = 10
        prefer = self.headers.get("Prefer", "")
        if "odata.maxpagesize=" in prefer:
            size = int(prefer.split("odata.maxpagesize=")[1].split(",")[0])
        with LOCK:
            if "$skiptoken" in query or "$deltatoken" in query:
                token = query.get("$skiptoken") or query.get("$deltatoken")
                state = STATE["links"].get(token)
                if state is None:
                    return self.graph_error(410, "SyncStateNotFound",
                                            "The sync state generation is not valid.")
                fields, window = state["fields"], state["window"]
                if "$deltatoken" in query:  # a new round: the changes since that version
                    items = self.boxes.live(*key, since=state["version"], kind=kind)
                    if window:
                        items = windowed(items, window, since=True)
                    if kind == "group":
                        items = members_delta(items, self.boxes.alive_at(*key, state["version"]))
                    if kind == "user":
                        items = manager_delta(items, self.boxes.alive_at(*key, state["version"]))
                    state = {"items": items, "pos": 0, "version": self.boxes.version}
            else:
                items = self.boxes.live(*key, kind=kind)
                if window:
                    items = windowed(items, window, since=False)
                if kind == "group":
                    items = members_delta(items, {})
                if kind == "user":
                    items = manager_delta(items, {})
                state = {"items": items, "pos": 0, "version": self.boxes.version}
            chunk = state["items"][state["pos"]:state["pos"] + size]
            rest = state["pos"] + size < len(state["items"])
            token = uuid.uuid4().hex
            common = {"version": state["version"], "fields": fields, "window": window}
            if rest:
                STATE["links"][token] = dict(common, items=state["items"], pos=state["pos"] + size)
            else:
                STATE["links"][token] = common
        body = {"@odata.context": f"{self.base}/v1.0/$metadata#Collection({kind})",
                "value": [select(m, fields) for m in chunk]}
        if rest:
            body["@odata.nextLink"] = f"{self.base}{path}?$skiptoken={token}"
        else:
            body["@odata.deltaLink"] = f"{self.base}{path}?$deltatoken={token}"
        self.send_json(200, body)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--mailboxes", required=True)
    p.add_argument("--export")
    a = p.parse_args()
    boxes = Mailboxes(json.load(open(a.mailboxes)))
    if a.export:
        for u in boxes.users:
            for f in u["folders"]:
                with open(os.path.join(a.export, f"{u['id']}-{f['id']}.json"), "w") as out:
                    json.dump({"value": boxes.live(u["id"], f["id"])}, out)
    Handler.boxes = boxes
    Handler.base = f"http://127.0.0.1:{a.port}"
    server = ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    print("ready", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
