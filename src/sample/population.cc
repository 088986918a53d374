#include "sample/population.h"

#include <algorithm>
#include <cassert>
#include <numeric>
#include <span>
#include <string_view>

#include "sample/text.h"

namespace rapport::sample {
namespace {

constexpr uint64_t kMinUsers = 10, kMaxUsers = 5000, kMessagesPerUser = 2000;
constexpr uint32_t kTeamSize = 8;
constexpr uint64_t kRngStream = 1;  // the population's own random stream

// Office time zones of the organisation (minutes east of UTC) and how many teams sit there.
constexpr int kOfficeZones[] = {-480, -300, -300, 0, 60, 60, 330};
// Where accounts and free-mail contacts are: includes half-hour and odd zones on purpose.
constexpr int kWorldZones[] = {-480, -420, -360, -300, -210, -180, 0,   60,
                               60,   120,  180,  330,  480,  540,  600, 345};

// An affine walk (start + k * stride) mod n with the stride coprime to n: a seed-dependent
// permutation of 0..n-1.
struct Walk {
  Walk(uint64_t size, Rng& rng) : n(size), start(rng.Uniform(n)), stride(1 + rng.Uniform(n - 1)) {
    while (std::gcd(stride, n) != 1) ++stride;
  }
  uint64_t At(uint64_t k) const { return (start + k % n * stride) % n; }
  uint64_t n, start, stride;
};

// Walks all pairs of two lists whose sizes are coprime: by the Chinese remainder theorem
// k -> (k mod A, k mod B) visits every pair once per A*B steps, and both members change at every
// step. `round` counts completed passes, so callers can add a suffix that keeps names unique.
class PairSequence {
 public:
  PairSequence(std::span<const Word> a, std::span<const Word> b, Rng& rng)
      : a_(a), b_(b), walk_a_(a.size(), rng), walk_b_(b.size(), rng) {
    assert(std::gcd(a.size(), b.size()) == 1);
  }

  void Get(uint64_t k, const Word*& a, const Word*& b, uint64_t& round) const {
    a = &a_[walk_a_.At(k)];
    b = &b_[walk_b_.At(k)];
    round = k / (a_.size() * b_.size());
  }

 private:
  std::span<const Word> a_, b_;
  Walk walk_a_, walk_b_;
};

class NameSequence : public PairSequence {
 public:
  explicit NameSequence(Rng& rng) : PairSequence(FirstNames(), LastNames(), rng) {}
};

NameForm PickNameForm(Rng& rng) {
  uint64_t r = rng.Uniform(100);
  if (r < 70) return NameForm::kPlain;
  if (r < 84) return NameForm::kLastFirst;
  if (r < 92) return NameForm::kQuoted;
  return NameForm::kAddressOnly;
}

Person MakePerson(const Word& first, const Word& last, NameForm form, std::string local,
                  std::string_view domain) {
  Person p;
  p.first = first.display;
  if (form == NameForm::kLastFirst) {
    p.name = std::string(last.display) + ", " + std::string(first.display);
  } else {
    p.name = std::string(first.display) + " " + std::string(last.display);
  }
  p.address = std::move(local) + "@" + std::string(domain);
  AppendMailbox(p.mailbox, p.name, form, p.address);
  return p;
}

std::string Suffixed(std::string s, uint64_t round) {
  if (round > 0) s += std::to_string(round + 1);
  return s;
}

void AddUsers(Population& pop, uint64_t count, const std::string& domain, Rng& rng) {
  NameSequence names(rng);
  uint32_t team_count = static_cast<uint32_t>((count + kTeamSize - 1) / kTeamSize);
  pop.teams.resize(team_count);
  std::vector<int> team_zone(team_count);
  for (int& z : team_zone) z = kOfficeZones[rng.Uniform(std::size(kOfficeZones))];
  for (uint64_t i = 0; i < count; ++i) {
    const Word *first, *last;
    uint64_t round;
    names.Get(i, first, last, round);
    std::string local = Suffixed(std::string(first->ascii) + "." + std::string(last->ascii), round);
    Person p = MakePerson(*first, *last, PickNameForm(rng), std::move(local), domain);
    p.internal = true;
    User u;
    u.team = static_cast<uint32_t>(rng.Uniform(team_count));
    p.offset_minutes = team_zone[u.team];
    pop.teams[u.team].push_back(static_cast<uint32_t>(i));
    pop.people.push_back(std::move(p));
    pop.users.push_back(std::move(u));
    // Most people write a moderate amount; one in ten writes a lot.
    uint64_t activity = 20 + rng.Uniform(100);
    if (rng.PerMille(100)) activity += rng.Uniform(400);
    pop.user_pick.Add(activity);
  }
}

// The local part a company's mail system gives a person; `style` is per account.
std::string CompanyLocalPart(const Word& first, const Word& last, uint64_t style) {
  std::string f(first.ascii), l(last.ascii);
  switch (style) {
    case 0:
      return f + "." + l;
    case 1:
      return f + "_" + l;
    default:
      return l + "." + f;
  }
}

// Accounts worked by many colleagues have more people the company deals with.
constexpr uint32_t kKeyAccounts = 12;

void AddAccount(Population& pop, const Word& company, const Word& sector, uint64_t round,
                const std::string& internal_domain, NameSequence& names, uint64_t& name_k,
                Rng& rng) {
  Account a;
  a.name = std::string(company.display);
  if (!sector.display.empty()) a.name += " " + std::string(sector.display);
  if (round > 0) a.name += " " + std::to_string(round + 1);
  std::string slug(company.ascii);
  if (!sector.ascii.empty()) slug += "-" + std::string(sector.ascii);
  a.domain = Suffixed(slug, round) + ".example";
  if (a.domain == internal_domain) {
    // "group" is no sector, so this name cannot collide with another account.
    a.name += " Group";
    a.domain = Suffixed(slug + "-group", round) + ".example";
  }
  a.first_contact = static_cast<uint32_t>(pop.people.size());
  a.contact_count = static_cast<uint32_t>(2 + rng.Uniform(3));
  if (rng.PerMille(200)) a.contact_count += static_cast<uint32_t>(rng.Uniform(12));
  // Key accounts (the first ones) have people in many roles the company deals with.
  const auto rank = static_cast<uint32_t>(pop.accounts.size());
  if (rank < kKeyAccounts) a.contact_count += 2 * (kKeyAccounts - rank);
  int zone = kWorldZones[rng.Uniform(std::size(kWorldZones))];
  uint64_t style = rng.Uniform(3);
  for (uint32_t c = 0; c < a.contact_count; ++c) {
    const Word *first, *last;
    uint64_t round;
    names.Get(name_k++, first, last, round);
    std::string local = Suffixed(CompanyLocalPart(*first, *last, style), round);
    Person p = MakePerson(*first, *last, PickNameForm(rng), std::move(local), a.domain);
    p.offset_minutes = zone;
    p.account = static_cast<int32_t>(pop.accounts.size());
    pop.people.push_back(std::move(p));
  }
  pop.accounts.push_back(std::move(a));
}

void AddAccounts(Population& pop, uint64_t count, const std::string& internal_domain, Rng& rng) {
  NameSequence names(rng);
  PairSequence companies(CompanyNames(), CompanySectors(), rng);
  uint64_t name_k = 0;
  for (uint64_t i = 0; i < count; ++i) {
    const Word *company, *sector;
    uint64_t round;
    companies.Get(i, company, sector, round);
    AddAccount(pop, *company, *sector, round, internal_domain, names, name_k, rng);
    // Zipf-like over accounts, flattened at the top: in a 1,000-user company the first account
    // is worked by about 150 colleagues a month, the tenth by about 40, the hundredth by a few.
    pop.account_pick.Add(1'000'000 / (i + 3));
  }
}

void AddFreeMailContacts(Population& pop, uint64_t count, Rng& rng) {
  NameSequence names(rng);
  pop.first_freemail = static_cast<uint32_t>(pop.people.size());
  auto domains = FreeMailDomains();
  for (uint64_t i = 0; i < count; ++i) {
    const Word *first, *last;
    uint64_t round;
    names.Get(i, first, last, round);
    // The index makes the local part unique, like the digits people add to taken names.
    std::string local = std::string(first->ascii) + (rng.PerMille(500) ? "." : "") +
                        std::string(last->ascii) + std::to_string(10 + i);
    // Separate statements: the order of evaluating call arguments is unspecified, and every
    // draw must happen in the same order with every compiler.
    NameForm form = PickNameForm(rng);
    std::string_view domain = domains[rng.LowBiased(domains.size())];
    Person p = MakePerson(*first, *last, form, std::move(local), domain);
    p.offset_minutes = kWorldZones[rng.Uniform(std::size(kWorldZones))];
    pop.people.push_back(std::move(p));
  }
}

// Adds `person` to the tie list unless it is already there (lists are short: a linear scan).
void AddTie(std::vector<uint32_t>& ties, uint32_t person) {
  if (std::find(ties.begin(), ties.end(), person) == ties.end()) ties.push_back(person);
}

// A person at one of the user's own accounts (most of their external mail), at any account by how
// widely it is worked (the odd contact elsewhere), or a free-mail contact.
uint32_t PickContact(const Population& pop, const std::vector<uint32_t>& own, Rng& rng) {
  uint64_t r = rng.Uniform(100);
  if (r >= 90 || pop.accounts.empty()) {
    uint64_t freemail = pop.people.size() - pop.first_freemail;
    return pop.first_freemail + static_cast<uint32_t>(rng.Uniform(freemail));
  }
  uint64_t a = r < 70 && !own.empty() ? own[rng.Uniform(own.size())] : pop.account_pick.Pick(rng);
  const Account& account = pop.accounts[a];
  // Each account has a main contact or two that most people deal with.
  return account.first_contact + static_cast<uint32_t>(rng.LowBiased(account.contact_count));
}

void AddTies(Population& pop, Rng& rng) {
  std::vector<std::vector<uint32_t>> team_accounts(pop.teams.size());
  for (uint32_t a = 0; a < pop.accounts.size(); ++a) {
    team_accounts[a % pop.teams.size()].push_back(a);
    if (rng.PerMille(300)) team_accounts[rng.Uniform(pop.teams.size())].push_back(a);
  }
  std::vector<uint32_t> ties, own;
  for (uint32_t u = 0; u < pop.users.size(); ++u) {
    User& user = pop.users[u];
    ties.clear();
    for (uint32_t mate : pop.teams[user.team]) {
      if (mate != u) AddTie(ties, mate);
    }
    for (int64_t n = rng.Range(1, 5); n > 0; --n) {
      auto other = static_cast<uint32_t>(rng.Uniform(pop.users.size()));
      if (other != u) AddTie(ties, other);
    }
    // The user's own accounts: one of the company's, by how widely each is worked, and one or
    // two of the team's. A salesperson works a few accounts closely.
    own.clear();
    if (!pop.accounts.empty()) own.push_back(static_cast<uint32_t>(pop.account_pick.Pick(rng)));
    const auto& mine = team_accounts[user.team];
    for (int64_t n = rng.Range(1, 2); n > 0 && !mine.empty(); --n) {
      own.push_back(mine[rng.Uniform(mine.size())]);
    }
    for (int64_t n = rng.Range(10, 36); n > 0; --n) AddTie(ties, PickContact(pop, own, rng));
    rng.Shuffle(ties);
    user.first_tie = static_cast<uint32_t>(pop.ties.size());
    user.tie_count = static_cast<uint32_t>(ties.size());
    for (size_t rank = 0; rank < ties.size(); ++rank) {
      pop.ties.push_back(ties[rank]);
      user.tie_pick.Add(ZipfWeight(rank));
    }
  }
}

}  // namespace

uint64_t UserCountFor(uint64_t messages) {
  return std::clamp<uint64_t>(messages / kMessagesPerUser, kMinUsers, kMaxUsers);
}

uint64_t UserCountFor(const OrganisationSpec& spec) {
  return spec.users != 0 ? spec.users : UserCountFor(spec.messages);
}

Population BuildPopulation(const OrganisationSpec& spec) {
  Rng rng(spec.seed, kRngStream);
  Population pop;
  uint64_t users = UserCountFor(spec);
  uint64_t accounts = std::clamp<uint64_t>(users * 3 / 5 + 6, 8, 3000);
  AddUsers(pop, users, spec.internal_domain, rng);
  AddAccounts(pop, accounts, spec.internal_domain, rng);
  AddFreeMailContacts(pop, std::max<uint64_t>(6, accounts / 2), rng);
  AddTies(pop, rng);
  return pop;
}

}  // namespace rapport::sample
