#include "rapport/insights/ties.h"

#include <algorithm>
#include <map>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace rapport::insights {

using store::PersonKind;

bool IsPersonOf(const store::Activity& a, int64_t person, PersonKind kind) {
  auto it = a.people.find(person);
  return it != a.people.end() && it->second.kind == kind && !it->second.is_role;
}

namespace {

// A reply is to the other side of the pair: u answering a message c sent, or c answering a
// message u sent to c (not one u sent only to others). So whether mail is a reply depends only
// on the two people's own mail, whichever activity it was read from.
void AddMail(const store::Activity& a, const store::MailItem& m, const store::MailItem* parent,
             PairMap& pairs) {
  const int participants = 1 + static_cast<int>(m.recipients.size());
  const bool from_us = IsPersonOf(a, m.sender, PersonKind::kInternal);
  const bool from_them = IsPersonOf(a, m.sender, PersonKind::kExternal);
  const bool parent_reached_sender =
      parent && std::find(parent->recipients.begin(), parent->recipients.end(), m.sender) !=
                    parent->recipients.end();
  for (int64_t r : m.recipients) {
    const bool answers_r = parent && parent->sender == r;
    if (from_us && IsPersonOf(a, r, PersonKind::kExternal)) {
      pairs[{m.sender, r}].push_back(
          {answers_r ? InteractionKind::kReplyToContact : InteractionKind::kEmailToContact,
           m.sent_at, participants});
    } else if (from_them && IsPersonOf(a, r, PersonKind::kInternal)) {
      pairs[{r, m.sender}].push_back({answers_r && parent_reached_sender
                                          ? InteractionKind::kReplyFromContact
                                          : InteractionKind::kEmailFromContact,
                                      m.sent_at, participants});
    }
  }
}

void AddMeeting(const store::Activity& a, const store::MeetingItem& g, PairMap& pairs) {
  if (g.cancelled || g.all_day) return;
  const int participants = static_cast<int>(g.attendees.size());
  for (int64_t u : g.attendees) {
    if (!IsPersonOf(a, u, PersonKind::kInternal)) continue;
    for (int64_t c : g.attendees) {
      if (IsPersonOf(a, c, PersonKind::kExternal)) {
        pairs[{u, c}].push_back({InteractionKind::kMeeting, g.start, participants});
      }
    }
  }
}

}  // namespace

void BulkOnlyTally::Add(const store::MailItem& m) {
  auto [it, added] = only_bulk_.emplace(m.sender, m.bulk);
  if (!added) it->second = it->second && m.bulk;
}

std::unordered_set<int64_t> BulkOnlyTally::Senders() const {
  std::unordered_set<int64_t> out;
  for (const auto& [sender, bulk] : only_bulk_) {
    if (bulk) out.insert(sender);
  }
  return out;
}

std::unordered_set<int64_t> BulkOnlySenders(const store::Activity& activity) {
  BulkOnlyTally tally;
  for (const auto& m : activity.mail) {
    if (!m.context) tally.Add(m);
  }
  return tally.Senders();
}

PairMap PairInteractions(const store::Activity& activity, int64_t until) {
  PairMap pairs;
  for (const auto& m : activity.mail) {
    if (m.bulk || m.context || m.sent_at >= until) continue;
    const store::MailItem* parent =
        m.parent >= 0 ? &activity.mail[static_cast<size_t>(m.parent)] : nullptr;
    AddMail(activity, m, parent, pairs);
  }
  for (const auto& g : activity.meetings) {
    if (g.start < until) AddMeeting(activity, g, pairs);
  }
  return pairs;
}

std::vector<TieInteractions> CollectTies(const store::Activity& activity, int64_t until) {
  const auto robots = BulkOnlySenders(activity);
  PairMap pairs = PairInteractions(activity, until);
  std::erase_if(pairs, [&](const auto& pair) {
    return robots.count(pair.first.first) || robots.count(pair.first.second);
  });
  std::vector<TieInteractions> out;
  out.reserve(pairs.size());
  for (auto& [key, list] : pairs) {
    SortInteractions(list);
    out.push_back({key.first, key.second, std::move(list)});
  }
  return out;
}

void SortInteractions(std::vector<Interaction>& list) {
  auto before = [](const Interaction& x, const Interaction& y) {
    return std::tie(x.at, x.kind, x.participants) < std::tie(y.at, y.kind, y.participants);
  };
  // Lists are often sorted already (a request's ranker sorts what TiesFromRows sorted): checking
  // is linear, sorting is not.
  if (!std::is_sorted(list.begin(), list.end(), before))
    std::sort(list.begin(), list.end(), before);
}

}  // namespace rapport::insights
