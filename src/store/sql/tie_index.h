// SqlTieIndex: the tie index (rapport/store/tie_index.h) in the SQLite store: tables `tie`,
// `tie_stale` and `tie_watermark` and their triggers (migration 17), and `tie_pending` (18).
#pragma once

#include <cstdint>
#include <functional>
#include <limits>

#include "rapport/store/tie_index.h"
#include "store/sql/connection.h"

namespace rapport::store {

// Deletes the rows of every stale contact (whole marks expanded first). A purge runs it in its
// transaction, so that nothing derived from purged mail outlives it in the index; readers use
// the mail itself for those contacts until the next refresh.
Status DropStaleTieRows(SqlConnection& db);

class SqlTieIndex final : public TieIndex {
 public:
  // `tenant` gives the tenant id when first needed (the store loads it lazily).
  SqlTieIndex(SqlConnection& db, std::function<Result<int64_t>()> tenant)
      : db_(db), tenant_(std::move(tenant)) {}

  Result<bool> Fresh(std::span<const int64_t> contacts) override;
  Result<bool> AllFresh() override;
  Result<std::vector<int64_t>> StaleAmong(std::span<const int64_t> contacts) override;
  Result<int64_t> Version() override;
  Result<std::vector<int64_t>> Contacts() override;
  Result<std::vector<TieRow>> Read(std::span<const int64_t> contacts) override;
  Result<std::vector<TieRow>> ReadColleague(int64_t colleague) override;
  Result<std::unordered_map<int64_t, PersonSummary>> Basics(
      std::span<const int64_t> people) override;
  Result<Refreshed> Refresh(const ComputeRows& compute, const ExtendRows& extend,
                            size_t chunk) override;

 private:
  // Up to `chunk` stale people, by id (within a refresh's transaction, contacts only).
  Result<std::vector<int64_t>> StaleChunk(size_t chunk);
  // The mail stored above a pending start: when its earliest was sent, up to which message id.
  struct NewMail {
    int64_t upto = 0;
    int64_t first_sent = std::numeric_limits<int64_t>::max();
    // The time to read the new mail from: the lowest when there is none (nothing to bound by).
    int64_t ReadFrom() const {
      return first_sent == std::numeric_limits<int64_t>::max() ? std::numeric_limits<int64_t>::min()
                                                               : first_sent;
    }
  };
  // Folds the mail stored above mail.upto into `mail`.
  Status FoldNewMail(NewMail& mail);
  // Up to `chunk` pending people with the earliest start, as StaleChunk; `since` is that start.
  Result<std::vector<int64_t>> PendingChunk(size_t chunk, int64_t& since);
  // Sets the rows of `contacts` (marks cleared) or adds an extension's (pending marks cleared).
  Status Replace(const std::vector<int64_t>& contacts, const std::vector<TieRow>& rows);
  Status Extend(const std::vector<int64_t>& pending, const std::vector<TieRow>& rows);

  SqlConnection& db_;
  std::function<Result<int64_t>()> tenant_;
};

}  // namespace rapport::store
