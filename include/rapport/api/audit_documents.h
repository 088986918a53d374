// The access audit as an admin reads it: filtered, paged, and with subjects shown as the
// addresses they stand for wherever the person has not opted out (the ledger itself keeps only
// keyed hashes of them, so that it never has to be purged).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "rapport/api/insight_documents.h"
#include "rapport/status.h"
#include "rapport/store/store.h"

namespace rapport::api {

struct AuditQuery {
  int64_t since = 0;             // entries at or after (UTC seconds)
  std::optional<int64_t> until;  // entries before
  std::string who;               // the caller's address; "" for anyone
  std::string subject;           // any address of the person asked about; "" for any
  std::string what;              // an insight (who-knows-whom, ...) or admin-add / admin-remove
  std::string decision;          // allow or deny; "" for both
  bool newest_first = false;
  int64_t after = 0;  // paging: the seq of the last entry of the previous page (0: from the start)
  size_t limit = 0;   // at most this many entries; 0 for all
};

// The entries the query selects, in ledger order (or newest first), each as written with "at" as
// ISO time and "subject_address" (the subject's address, or null: none, opted out or purged).
// InvalidArgument for a decision other than allow or deny.
Result<Document> AuditDocument(store::Store& store, const AuditQuery& query);

}  // namespace rapport::api
