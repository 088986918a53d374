#!/usr/bin/env python3
"""True account engagement, computed from a rapport SQLite store by the benchmark alone (never by
the product), and the utility of a release against it (issue 16, bench/engagement_utility.sh).

Usage: engagement_truth.py STORE.db RELEASE.json LEVEL [LABEL]
  LEVEL month or year (UTC calendar periods: the benchmark's tenants keep time_zone UTC).
Prints one Markdown table row per measure group; see engagement_utility.sh for the header.

Truth follows the product's definitions (docs/privacy.md, src/store/sql/engagement.cc), without
any bound: a colleague is an internal person who is a directory member (any internal person when
there is no directory), never a role address; an account e-mail is a non-bulk message between
colleagues and the people of one account; NoOfEmails_ToAccount counts each message a colleague
sent once, NoOfEmails_FromAccount counts a message from the account once per colleague who got it;
meetings took place (not cancelled, not all-day), counted by who organised them, attendees who
declined do not count.
"""
import json
import sqlite3
import statistics
import sys
from collections import defaultdict
from datetime import datetime, timezone

COLUMNS = ["NoOfEmails_ToAccount", "NoOfEmails_FromAccount", "NoOfMeetings_ToAccount",
           "NoOfMeetings_FromAccount", "NoOfContactsInvolved_Emails",
           "NoOfContactsInvolved_Meetings", "NoOfAccountContactsInvolved_Emails",
           "NoOfAccountContactsInvolved_Meetings"]


def period_of(t, level):
    d = datetime.fromtimestamp(t, tz=timezone.utc)
    return f"{d.year:04d}-{d.month:02d}-01" if level == "month" else f"{d.year:04d}-01-01"


def parties(db):
    """address id -> (person, account name or None, is colleague)."""
    members = {r[0] for r in db.execute(
        "SELECT DISTINCT a.person_id FROM directory_user u JOIN directory_address d "
        "ON d.directory_user = u.id JOIN address a ON a.id = d.address WHERE u.role = 'member'")}
    out = {}
    for aid, person, kind, role, account in db.execute(
            "SELECT a.id, a.person_id, p.kind, a.is_role, c.name FROM address a "
            "JOIN person p ON p.id = a.person_id "
            "LEFT JOIN account_domain d ON d.tenant_id = a.tenant_id AND d.domain = a.org_domain "
            "LEFT JOIN account c ON c.id = d.account"):
        colleague = not role and kind == "internal" and (not members or person in members)
        acct = account if (not role and kind == "external") else None
        out[aid] = (person, acct, colleague)
    return out


def truth(db, level):
    """(account name, period start) -> dict of true values, plus 'colleagues'."""
    who = parties(db)
    rows = defaultdict(lambda: {"colleagues": set(), "emailers": set(), "attendees": set(),
                                "to": 0, "from": 0, "mto": 0, "mfrom": 0,
                                "contacts_e": set(), "contacts_m": set()})
    recipients = defaultdict(list)
    for message, address in db.execute("SELECT message, address FROM participant WHERE role > 0"):
        recipients[message].append(address)
    for mid, sent_at, sender in db.execute(
            "SELECT id, sent_at, sender_id FROM message WHERE is_bulk = 0"):
        s_person, s_account, s_colleague = who.get(sender, (0, None, False))
        period = period_of(sent_at, level)
        to = [who.get(a, (0, None, False)) for a in recipients[mid]]
        if s_colleague:
            internal = {s_person} | {p for p, _, c in to if c}
            by_account = defaultdict(set)
            for p, acct, _ in to:
                if acct:
                    by_account[acct].add(p)
            for acct, contacts in by_account.items():
                r = rows[(acct, period)]
                r["to"] += 1
                r["colleagues"] |= internal
                r["emailers"] |= internal
                r["contacts_e"] |= contacts
        elif s_account:
            internal = {p for p, _, c in to if c}
            if not internal:
                continue
            r = rows[(s_account, period)]
            r["from"] += len(internal)
            r["colleagues"] |= internal
            r["emailers"] |= internal
            r["contacts_e"].add(s_person)
    attendees = defaultdict(list)  # who took part: not declined (response 4), not a resource
    for meeting, address in db.execute(
            "SELECT meeting, address FROM meeting_attendee WHERE response != 4 AND role != 3"):
        attendees[meeting].append(address)
    for mid, start, organizer in db.execute(
            "SELECT id, start_at, organizer_id FROM meeting WHERE cancelled = 0 AND all_day = 0"):
        period = period_of(start, level)
        o_person, o_account, o_colleague = who.get(organizer, (0, None, False))
        present = [who.get(a, (0, None, False)) for a in attendees[mid]]
        if organizer:
            present.append((o_person, o_account, o_colleague))
        internal = {p for p, _, c in present if c}
        by_account = defaultdict(set)
        for p, acct, _ in present:
            if acct:
                by_account[acct].add(p)
        for acct, contacts in by_account.items():
            if not internal:
                continue
            r = rows[(acct, period)]
            r["colleagues"] |= internal
            r["attendees"] |= internal
            r["contacts_m"] |= contacts
            if o_colleague:
                r["mto"] += 1
            elif o_account == acct:
                r["mfrom"] += len(internal)
    out = {}
    for key, r in rows.items():
        out[key] = {"colleagues": len(r["colleagues"]),
                    "NoOfEmails_ToAccount": r["to"], "NoOfEmails_FromAccount": r["from"],
                    "NoOfMeetings_ToAccount": r["mto"], "NoOfMeetings_FromAccount": r["mfrom"],
                    "NoOfContactsInvolved_Emails": len(r["emailers"]),
                    "NoOfContactsInvolved_Meetings": len(r["attendees"]),
                    "NoOfAccountContactsInvolved_Emails": len(r["contacts_e"]),
                    "NoOfAccountContactsInvolved_Meetings": len(r["contacts_m"])}
    return out


def quantile(values, q):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def main():
    db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
    release = json.load(open(sys.argv[2]))
    level = sys.argv[3]
    label = sys.argv[4] if len(sys.argv) > 4 else sys.argv[1]
    # The CRM's accounts; without a list (Enron), every account, released by partition selection.
    listed = ({r[0] for r in db.execute("SELECT name FROM account WHERE origin = 'import'")} or
              {r[0] for r in db.execute("SELECT name FROM account")})
    true = truth(db, level)
    released = {(r["AccountName"], r["AggregationStartDate"]): r for r in release["rows"]}
    # Account-periods of the list within the release's range, with their true colleagues.
    lo, hi = release["privacy"]["from"], release["privacy"]["cutoff"]
    cells = {k: v for k, v in true.items() if k[0] in listed and lo <= k[1] < hi}
    at = lambda n: [k for k, v in cells.items() if v["colleagues"] >= n]
    ge10 = at(10)
    shown10 = sum(1 for k in ge10 if k in released)
    periods = {k[1] for k in released} | {k[1] for k in cells}
    few_listed = sum(1 for a in listed for p in periods
                     if true.get((a, p), {"colleagues": 0})["colleagues"] < 2 and lo <= p < hi)
    few_shown = sum(1 for (a, p) in released
                    if true.get((a, p), {"colleagues": 0})["colleagues"] < 2)
    print(f"| {label} | {len(at(5))} | {len(ge10)} | {len(at(20))} | {len(at(50))} | "
          f"{len(released)} | {100 * shown10 / max(1, len(ge10)):.1f} % | "
          f"{few_shown} of {few_listed} |")
    for floor in (50, 20, 10):
        errors = defaultdict(list)
        for key, row in released.items():
            t = true.get(key)
            if not t or t["colleagues"] < floor:
                continue
            for c in COLUMNS:
                if t[c] > 0:
                    errors[c].append(abs(row[c] - t[c]) / t[c])
        parts = []
        for c in COLUMNS:
            e = errors[c]
            parts.append(f"{100 * statistics.median(e):.0f} / {100 * quantile(e, 0.9):.0f}"
                         if e else "–")
        n = sum(1 for k in released if true.get(k, {"colleagues": 0})["colleagues"] >= floor)
        print(f"|   ≥ {floor} colleagues ({n} rows) | " + " | ".join(parts) + " |",
              file=sys.stderr)


if __name__ == "__main__":
    main()
