#include "rapport/api/audit_documents.h"

#include <set>
#include <vector>

#include "ingest/identity/address_identity.h"
#include "rapport/api/iso_time.h"
#include "rapport/consent/policy.h"

namespace rapport::api {
namespace {

// Subjects are audited as keyed hashes: hash the address asked about, and every other address of
// that person, since a decision may have named them by any. Admin changes name theirs plainly.
Result<std::set<std::string>> SubjectNames(store::Store& store, const std::string& subject) {
  std::set<std::string> wanted;
  if (subject.empty()) return wanted;
  std::vector<std::string> addresses{subject};
  if (auto person = store.LocatePerson(subject); person.ok()) {
    addresses.insert(addresses.end(), person->addresses.begin(), person->addresses.end());
  }
  for (const auto& a : addresses) {
    auto names = consent::AuditSubjectNames(store, a);
    if (!names.ok()) return names.status();
    wanted.insert(names->begin(), names->end());
    wanted.insert(ingest::AddressKey(a));
  }
  return wanted;
}

bool Selected(const Document& e, const AuditQuery& q, const std::set<std::string>& subjects) {
  const int64_t at = e.value("at", int64_t{0});
  if (at < q.since || (q.until && at >= *q.until)) return false;
  if (!q.who.empty() && e.value("principal", "") != ingest::AddressKey(q.who)) return false;
  if (!q.what.empty() && e.value("insight", "") != q.what) return false;
  if (!q.decision.empty() && e.value("decision", "") != q.decision) return false;
  return q.subject.empty() || subjects.count(e.value("subject", ""));
}

}  // namespace

Result<Document> AuditDocument(store::Store& store, const AuditQuery& query) {
  if (!query.decision.empty() && query.decision != "allow" && query.decision != "deny") {
    return Status::InvalidArgument("'" + query.decision + "' is not a decision (allow or deny)");
  }
  auto subjects = SubjectNames(store, query.subject);
  if (!subjects.ok()) return subjects.status();
  auto rows = store.ReadLedger(store::Ledger::kAudit);
  if (!rows.ok()) return rows.status();
  std::vector<Document> page;
  const auto take = [&](const store::LedgerRow& row) {  // false once the page is full
    if (query.after > 0 && (query.newest_first ? row.seq >= query.after : row.seq <= query.after)) {
      return true;
    }
    Document e = Document::parse(row.entry, nullptr, false);
    if (e.is_discarded() || !Selected(e, query, *subjects)) return true;
    page.push_back(std::move(e));
    return query.limit == 0 || page.size() < query.limit;
  };
  if (query.newest_first) {
    for (auto it = rows->rbegin(); it != rows->rend() && take(*it); ++it) {
    }
  } else {
    for (auto it = rows->begin(); it != rows->end() && take(*it); ++it) {
    }
  }
  std::set<std::string> hashed;
  for (const auto& e : page) {
    const std::string subject = e.value("subject", "");
    if (subject.rfind("hmac:", 0) == 0) hashed.insert(subject);
  }
  auto addresses = consent::AuditSubjectAddresses(store, hashed);
  if (!addresses.ok()) return addresses.status();
  Document out = Document::array();
  for (auto& e : page) {
    const std::string subject = e.value("subject", "");
    auto found = addresses->find(subject);
    e["subject_address"] = found != addresses->end()                ? Document(found->second)
                           : subject.find('@') != std::string::npos ? Document(subject)
                                                                    : Document(nullptr);
    e["at"] = IsoTime(e.value("at", int64_t{0}));
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace rapport::api
