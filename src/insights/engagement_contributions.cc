#include "insights/engagement_contributions.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>
#include <tuple>
#include <utility>

namespace rapport::insights {
namespace {

constexpr int kMaxContacts = 8;  // ContributionBounds::contacts may not exceed it

// The lowest distinct person ids seen, at most `cap` of them: a colleague's bounded set of an
// account's people (the lowest ids: a choice that depends on nobody else's data).
struct LowestIds {
  std::array<int64_t, kMaxContacts> ids{};
  uint8_t n = 0;
  void Add(int64_t id, int cap) {
    auto end = ids.begin() + n;
    auto at = std::lower_bound(ids.begin(), end, id);
    if (at != end && *at == id) return;
    if (n == cap) {
      if (at == end) return;  // higher than every id kept
      --n;                    // the highest makes room
    }
    std::move_backward(at, ids.begin() + n, ids.begin() + n + 1);
    *at = id;
    ++n;
  }
};

// One colleague's piece of one row (their part of it from one month), before bounding.
struct UserPart {
  int64_t emails_to = 0, emails_from = 0, meetings_to = 0, meetings_from = 0;
  int64_t meetings = 0, meeting_seconds = 0;  // attended
  int64_t replies = 0, reply_seconds = 0;     // the account's replies to this colleague's mail
  bool email = false;
  LowestIds email_contacts, meeting_contacts;
  int64_t Activity() const { return emails_to + emails_from + meetings + replies; }
};

struct PartKey {
  uint32_t period = 0, month = 0;
  int64_t account = 0, user = 0;
  bool operator==(const PartKey&) const = default;
};

uint64_t Mix(uint64_t h) {  // the SplitMix64 finaliser: every key bit moves every hash bit
  h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9ULL;
  h = (h ^ (h >> 27)) * 0x94D049BB133111EBULL;
  return h ^ (h >> 31);
}

// Parts by key in an open-addressing table: a year of a large tenant's mail makes millions of
// look-ups, and a node-based map spent most of the release's time allocating and chasing them.
class PartTable {
 public:
  PartTable() : slots_(1 << 16) {}

  UserPart& operator[](const PartKey& key) {
    // Mail comes mailbox by mailbox, so the same part is often asked for again at once.
    if (last_ != 0 && parts_[last_ - 1].first == key) return parts_[last_ - 1].second;
    size_t i = Slot(key);
    for (;; i = (i + 1) & (slots_.size() - 1)) {
      Entry& e = slots_[i];
      if (e.index == 0) break;
      if (e.key == key) {
        last_ = e.index;
        return parts_[e.index - 1].second;
      }
    }
    parts_.emplace_back(key, UserPart{});
    slots_[i] = {key, static_cast<uint32_t>(parts_.size())};
    last_ = static_cast<uint32_t>(parts_.size());
    if (parts_.size() * 2 > slots_.size()) Grow();
    return parts_.back().second;
  }

  std::vector<std::pair<PartKey, UserPart>>& parts() { return parts_; }

 private:
  struct Entry {
    PartKey key;
    uint32_t index = 0;  // 1 + the part's place in parts_; 0 for an empty slot
  };

  size_t Slot(const PartKey& k) const {
    const uint64_t h = Mix(static_cast<uint64_t>(k.user) * 0x9E3779B97F4A7C15ULL ^
                           Mix(static_cast<uint64_t>(k.account) << 20 ^
                               static_cast<uint64_t>(k.period) << 8 ^ k.month));
    return static_cast<size_t>(h) & (slots_.size() - 1);
  }

  void Grow() {
    std::vector<Entry> old(slots_.size() * 2);
    old.swap(slots_);
    for (const Entry& e : old) {
      if (e.index == 0) continue;
      size_t i = Slot(e.key);
      while (slots_[i].index != 0) i = (i + 1) & (slots_.size() - 1);
      slots_[i] = e;
    }
  }

  std::vector<Entry> slots_;
  std::vector<std::pair<PartKey, UserPart>> parts_;
  uint32_t last_ = 0;  // the index of the part asked for last
};

// Reads the activity into per-colleague parts; the first error a callback meets stops the
// counting.
class PartCollector {
 public:
  PartCollector(const std::vector<Period>& periods, const std::vector<Period>& months,
                int64_t cutoff, const std::function<int64_t(int64_t)>& civil,
                const MayCount& countable, int contacts)
      : periods_(periods),
        months_(months),
        cutoff_(cutoff),
        civil_(civil),
        countable_(countable),
        contacts_(contacts) {}

  void Mail(const store::AccountMail& m) {
    const auto at = Place(m.sent_at);
    if (!at) return;
    for (int64_t person : m.internal) {
      if (!Counts(person)) continue;
      UserPart& part = parts_[{at->first, at->second, m.account, person}];
      part.email = true;
      if (m.from_account) {
        ++part.emails_from;
      } else if (person == m.sender) {
        ++part.emails_to;
      }
      for (int64_t c : m.contacts) part.email_contacts.Add(c, contacts_);
    }
    if (m.answers != 0 && m.reply_seconds >= 0 && Counts(m.answers)) {
      UserPart& part = parts_[{at->first, at->second, m.account, m.answers}];
      ++part.replies;
      part.reply_seconds += m.reply_seconds;
    }
  }

  void Meeting(const store::AccountMeeting& m) {
    const auto at = Place(m.start);
    if (!at) return;
    for (int64_t person : m.internal) {
      if (!Counts(person)) continue;
      UserPart& part = parts_[{at->first, at->second, m.account, person}];
      ++part.meetings;
      part.meeting_seconds += std::max<int64_t>(0, m.end - m.start);
      if (m.by_internal && m.organizer == person) ++part.meetings_to;
      if (m.by_account) ++part.meetings_from;
      for (int64_t c : m.contacts) part.meeting_contacts.Add(c, contacts_);
    }
  }

  const Status& status() const { return status_; }
  std::vector<std::pair<PartKey, UserPart>>& parts() { return parts_.parts(); }

 private:
  // The period and the month holding the UTC instant `utc`, read in the tenant's time zone;
  // none outside the periods or from the cut-off on.
  std::optional<std::pair<uint32_t, uint32_t>> Place(int64_t utc) const {
    const int64_t t = civil_(utc);
    if (periods_.empty() || t < periods_.front().start || t >= periods_.back().end ||
        t >= cutoff_) {
      return std::nullopt;
    }
    return std::pair{IndexIn(periods_, t), IndexIn(months_, t)};
  }

  static uint32_t IndexIn(const std::vector<Period>& spans, int64_t t) {
    auto it = std::upper_bound(spans.begin(), spans.end(), t,
                               [](int64_t v, const Period& p) { return v < p.start; });
    return static_cast<uint32_t>(it == spans.begin() ? 0 : it - spans.begin() - 1);
  }

  bool Counts(int64_t person) {
    // Person ids are SQLite row ids, dense from 1: a flat array of verdicts (0 unknown, 1 yes,
    // 2 no) is the cheapest cache.
    if (person <= 0 || person >= (int64_t{1} << 28)) return false;
    if (static_cast<size_t>(person) >= verdicts_.size()) {
      verdicts_.resize(static_cast<size_t>(person) * 2, 0);
    }
    uint8_t& v = verdicts_[static_cast<size_t>(person)];
    if (v == 0) {
      v = 2;
      if (status_.ok()) {
        auto verdict = countable_(person);
        if (verdict.ok()) {
          v = *verdict ? 1 : 2;
        } else {
          status_ = verdict.status();
        }
      }
    }
    return v == 1;
  }

  const std::vector<Period>& periods_;
  const std::vector<Period>& months_;
  const int64_t cutoff_;
  const std::function<int64_t(int64_t)>& civil_;
  const MayCount& countable_;
  const int contacts_;
  std::vector<uint8_t> verdicts_;
  PartTable parts_;
  Status status_;
};

using Piece = std::pair<PartKey, UserPart>;

// The largest cap c with the sum of min(v, c)^2 over `values` at most bound^2 x rows: the pieces
// of one colleague-month share the L2 bound bound x sqrt(rows) the noise is calibrated to. A
// colleague busy with one account keeps far more of it than a cap of `bound` on every piece would
// leave, and one spread over `rows` pieces keeps `bound` on each.
int64_t SharedCap(const std::vector<int64_t>& values, int64_t bound, int64_t rows) {
  const int64_t budget = bound * bound * rows;
  auto fits = [&](int64_t c) {
    int64_t sum = 0;
    for (int64_t v : values) sum += std::min(v, c) * std::min(v, c);
    return sum <= budget;
  };
  int64_t lo = 0, hi = PieceMaximum(bound, rows);  // 0 always fits
  while (lo < hi) {
    const int64_t mid = lo + (hi - lo + 1) / 2;
    if (fits(mid)) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  return lo;
}

// Bounds the counts of one colleague-month's kept pieces [begin, end) in place, each count to its
// SharedCap: a choice made from that colleague-month's data alone.
void BoundCounts(Piece* const* begin, Piece* const* end, const ContributionBounds& bounds,
                 int64_t rows) {
  std::vector<int64_t> values;
  auto bound = [&](int64_t UserPart::*count, int64_t per_piece) {
    values.clear();
    for (auto p = begin; p != end; ++p) values.push_back((*p)->second.*count);
    const int64_t cap = SharedCap(values, per_piece, rows);
    for (auto p = begin; p != end; ++p) {
      (*p)->second.*count = std::min((*p)->second.*count, cap);
    }
  };
  bound(&UserPart::emails_to, bounds.emails);
  bound(&UserPart::emails_from, bounds.emails);
  bound(&UserPart::meetings_to, bounds.meetings);
  bound(&UserPart::meetings_from, bounds.meetings);
}

// Keeps, for each colleague and month, only the pieces of their `n` busiest accounts that month
// (their own e-mails, meetings and replies; ties by account id), n = accounts_per_month: a choice
// made from that colleague's data in that month alone. Then bounds each colleague-month's counts
// (BoundCounts).
std::vector<Piece*> BusiestAccounts(std::vector<Piece>& parts, const ContributionBounds& bounds,
                                    int64_t rows) {
  const auto n = static_cast<size_t>(std::max(0, bounds.accounts_per_month));
  std::vector<Piece*> order;
  order.reserve(parts.size());
  for (auto& p : parts) order.push_back(&p);
  std::sort(order.begin(), order.end(), [](const Piece* a, const Piece* b) {
    return std::tie(a->first.user, a->first.month, a->first.account, a->first.period) <
           std::tie(b->first.user, b->first.month, b->first.account, b->first.period);
  });
  struct Group {
    size_t begin = 0, end = 0;
    int64_t activity = 0, account = 0;
  };
  std::vector<Piece*> kept;
  std::vector<Group> groups;  // one colleague-month's accounts
  auto flush = [&] {
    std::sort(groups.begin(), groups.end(), [](const Group& a, const Group& b) {
      return a.activity != b.activity ? a.activity > b.activity : a.account < b.account;
    });
    const size_t first = kept.size();
    for (size_t g = 0; g < groups.size() && g < n; ++g) {
      kept.insert(kept.end(), order.begin() + static_cast<ptrdiff_t>(groups[g].begin),
                  order.begin() + static_cast<ptrdiff_t>(groups[g].end));
    }
    BoundCounts(kept.data() + first, kept.data() + kept.size(), bounds, rows);
    groups.clear();
  };
  for (size_t i = 0; i < order.size(); ++i) {
    const PartKey& k = order[i]->first;
    const bool same_month =
        i > 0 && k.user == order[i - 1]->first.user && k.month == order[i - 1]->first.month;
    if (!same_month) flush();
    if (groups.empty() || groups.back().account != k.account) {
      groups.push_back({i, i, 0, k.account});
    }
    groups.back().end = i + 1;
    groups.back().activity += order[i]->second.Activity();
  }
  flush();
  return kept;
}

// Adds one kept piece, its counts already bounded, to its row's totals.
void AddPiece(RowTotals& t, const UserPart& part, const ContributionBounds& bounds) {
  t.emails_to += part.emails_to;
  t.emails_from += part.emails_from;
  t.meetings_to += part.meetings_to;
  t.meetings_from += part.meetings_from;
  if (part.meetings > 0) {
    ++t.meeting_pieces;
    t.meeting_units += std::min<int64_t>(part.meeting_seconds / part.meetings / 60 / kMeetingUnit,
                                         bounds.meeting_minutes / kMeetingUnit);
  }
  if (part.replies > 0) {
    ++t.reply_pieces;
    t.reply_units += std::min<int64_t>(part.reply_seconds / part.replies / 60 / kReplyUnit,
                                       bounds.reply_minutes / kReplyUnit);
  }
}

int64_t Distinct(std::vector<int64_t>& ids) {
  std::sort(ids.begin(), ids.end());
  return static_cast<int64_t>(std::unique(ids.begin(), ids.end()) - ids.begin());
}

}  // namespace

int64_t PieceMaximum(int64_t bound, int64_t rows_per_month) {
  const int64_t square = bound * bound * rows_per_month;
  auto c = static_cast<int64_t>(std::sqrt(static_cast<double>(square)));
  while (c * c > square) --c;
  while ((c + 1) * (c + 1) <= square) ++c;
  return c;
}

Result<std::vector<RowTotals>> BoundedTotals(store::Store& store,
                                             const std::vector<Period>& periods,
                                             const std::vector<Period>& months, int64_t cutoff,
                                             const std::function<int64_t(int64_t)>& civil,
                                             const ContributionBounds& bounds,
                                             int64_t rows_per_month, const MayCount& countable) {
  if (periods.empty() || months.empty()) return std::vector<RowTotals>{};
  if (bounds.contacts < 1 || bounds.contacts > kMaxContacts) {
    return Status::InvalidArgument("the bound on an account's people per colleague is 1 to 8");
  }
  PartCollector collector(periods, months, cutoff, civil, countable, bounds.contacts);
  // Civil time is UTC plus at most 14 hours, minus at most 12: read a little more, keep by
  // civil time.
  constexpr int64_t kZoneSlack = 15 * 3600;
  RAPPORT_RETURN_IF_ERROR(store.ScanAccountActivity(
      periods.front().start - kZoneSlack, std::min(periods.back().end, cutoff) + kZoneSlack,
      [&](const store::AccountMail& m) { collector.Mail(m); },
      [&](const store::AccountMeeting& m) { collector.Meeting(m); }));
  if (!collector.status().ok()) return collector.status();

  // Row by row: the kept pieces sorted by period, account and colleague.
  auto kept = BusiestAccounts(collector.parts(), bounds, rows_per_month);
  std::sort(kept.begin(), kept.end(), [](const Piece* a, const Piece* b) {
    return std::tie(a->first.period, a->first.account, a->first.user) <
           std::tie(b->first.period, b->first.account, b->first.user);
  });
  std::vector<RowTotals> out;
  std::vector<int64_t> email_contacts, meeting_contacts, emailers, attendees;
  for (size_t i = 0; i < kept.size(); ++i) {
    const auto& [key, part] = *kept[i];
    const PartKey* prev = i == 0 ? nullptr : &kept[i - 1]->first;
    const bool new_row = !prev || key.period != prev->period || key.account != prev->account;
    if (new_row) {
      out.push_back({});
      out.back().period = key.period;
      out.back().account = key.account;
      email_contacts.clear();
      meeting_contacts.clear();
      emailers.clear();
      attendees.clear();
    }
    RowTotals& t = out.back();
    if (new_row || key.user != prev->user) ++t.colleagues;  // a week may hold two pieces
    if (part.email) emailers.push_back(key.user);
    if (part.meetings > 0) attendees.push_back(key.user);
    AddPiece(t, part, bounds);
    email_contacts.insert(email_contacts.end(), part.email_contacts.ids.begin(),
                          part.email_contacts.ids.begin() + part.email_contacts.n);
    meeting_contacts.insert(meeting_contacts.end(), part.meeting_contacts.ids.begin(),
                            part.meeting_contacts.ids.begin() + part.meeting_contacts.n);
    const bool last = i + 1 == kept.size() || kept[i + 1]->first.period != key.period ||
                      kept[i + 1]->first.account != key.account;
    if (last) {
      t.contacts_emails = Distinct(email_contacts);
      t.contacts_meetings = Distinct(meeting_contacts);
      t.email_colleagues = Distinct(emailers);
      t.meeting_colleagues = Distinct(attendees);
    }
  }
  return out;
}

}  // namespace rapport::insights
