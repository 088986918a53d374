#include "sample/traffic.h"

#include <algorithm>

#include "sample/text.h"

namespace rapport::sample {
namespace {

constexpr uint64_t kRngStream = 2;  // the traffic's own random stream
constexpr int64_t kDay = 86400;
constexpr int64_t kPeriodDays = 365;
// Whole local days that stay inside the period in every zone from -14:00 to +14:00.
constexpr int64_t kUsableDays = kPeriodDays - 3;
constexpr int64_t kReplyHorizon = 14 * kDay;  // older messages are not answered any more
constexpr uint8_t kMaxThreadDepth = 8;
constexpr uint32_t kReplyPerMille = 450;
constexpr std::string_view kIdDomain = "@sample.rapport.invalid>";

// Relative volume by local hour: office hours with a lunch dip and a little evening mail.
constexpr uint32_t kHourWeights[24] = {1,  1,  1,  1,  1,  2, 4, 10, 16, 18, 17, 14,
                                       10, 14, 17, 16, 14, 9, 5, 3,  3,  2,  1,  1};

struct BulkSender {
  std::string_view name;
  std::string_view address;  // a '%' domain is the organisation's own
  std::string_view list_id;  // newsletters only
  int offset_minutes;
};

constexpr BulkSender kNewsletters[] = {
    {"Contoso Insights", "insights@news.contoso-media.example",
     "insights.news.contoso-media.example", -300},
    {"Tailspin Travel Deals", "deals@mail.tailspin-travel.example",
     "deals.mail.tailspin-travel.example", -480},
    {"Industry Weekly", "editor@industryweekly.example", "weekly.industryweekly.example", 0},
    {"Woodgrove Markets Brief", "brief@lists.woodgrove-bank.example",
     "brief.lists.woodgrove-bank.example", 60},
    {"Relecloud Product Updates", "updates@email.relecloud.example",
     "product.email.relecloud.example", -420},
};

constexpr BulkSender kNotifiers[] = {
    {"Expense Portal", "noreply@%", "", 0},
    {"Calendar", "calendar-noreply@%", "", 0},
    {"Litware Support", "no-reply@support.litware.example", "", -300},
    {"Proseware Build Service", "noreply@ci.proseware.example", "", 0},
};

constexpr std::string_view kNotificationSubjects[] = {
    "Your expense report ER-% was approved",
    "Reminder: Weekly sync starts in 15 minutes",
    "[Ticket #%] Status changed to Resolved",
    "Build #% failed on main",
};

constexpr std::string_view kGreetings[] = {"Hi ", "Hello ", "Dear ", ""};
constexpr std::string_view kSignoffs[] = {"Best,", "Thanks,", "Regards,", "Cheers,"};

std::string Capitalised(std::string_view label) {
  std::string s(label.substr(0, label.find('.')));
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 32);
  return s;
}

std::string Resolve(std::string_view address, const std::string& internal_domain) {
  std::string s(address);
  if (size_t pct = s.find('%'); pct != std::string::npos) s.replace(pct, 1, internal_domain);
  return s;
}

}  // namespace

Traffic::Traffic(const OrganisationSpec& spec, const Population& pop)
    : spec_(spec),
      pop_(pop),
      rng_(spec.seed, kRngStream),
      end_utc_(spec.end_utc),
      windows_(pop.ties.size()),
      org_name_(Capitalised(spec.internal_domain)) {
  first_day_ = DayOf(spec.end_utc - kPeriodDays * kDay + kDay - 1) + 1;
  for (int64_t d = 0; d < kUsableDays; ++d) {
    bool weekend = Weekday(first_day_ + d) % 6 == 0;
    bool holiday = !weekend && rng_.PerMille(30);
    day_weights_.Add(weekend ? 10 + rng_.Uniform(8) : holiday ? 15 : 100 + rng_.Uniform(40));
  }
  for (uint32_t w : kHourWeights) hour_weights_.Add(w);
  for (uint32_t u = 0; u < pop.users.size(); ++u) {
    const std::string& address = pop.people[u].address;
    mailboxes_.push_back(address.substr(0, address.find('@')));
  }
  text_.reserve(8192);
}

// Spreads messages over the days in order, in proportion to each day's weight, so message
// numbers rise with time and a reply can only name an earlier message.
int64_t Traffic::DayFor(uint64_t index) const {
  uint64_t point = (2 * index + 1) * day_weights_.total() / (2 * spec_.messages);
  return first_day_ + static_cast<int64_t>(day_weights_.IndexOf(point));
}

int64_t Traffic::TimeOn(int64_t day, int offset_minutes) {
  auto hour = static_cast<int64_t>(hour_weights_.Pick(rng_));
  int64_t local = day * kDay + hour * 3600 + static_cast<int64_t>(rng_.Uniform(3600));
  return local - int64_t{offset_minutes} * 60;
}

OutMessage Traffic::Next() {
  int64_t day = DayFor(number_++);
  uint64_t kind = rng_.Uniform(1000);
  if (kind < 25) {
    ComposeNewsletter(day);
  } else if (kind < 45) {
    ComposeNotification(day);
  } else if (kind < 50) {
    ComposeAnnouncement(day);
  } else {
    ComposePerson(day);
  }
  return out_;
}

Traffic::ThreadEntry* Traffic::PickParent(TieWindow& window, int64_t day) {
  ThreadEntry* e = &window[rng_.PerMille(200) ? 1 : 0];
  if (e->number == 0) e = &window[0];
  if (e->number == 0 || e->answered || e->depth >= kMaxThreadDepth) return nullptr;
  if (e->utc < day * kDay - kReplyHorizon) return nullptr;
  return rng_.PerMille(kReplyPerMille) ? e : nullptr;
}

void Traffic::ComposePerson(int64_t day) {
  auto u = static_cast<uint32_t>(pop_.user_pick.Pick(rng_));
  const User& user = pop_.users[u];
  uint32_t tie = user.first_tie + static_cast<uint32_t>(user.tie_pick.Pick(rng_));
  uint32_t other = pop_.ties[tie];
  TieWindow& window = windows_[tie];
  Draft d;
  d.parent = PickParent(window, day);
  bool other_internal = pop_.people[other].internal;
  // A reply goes back the other way; a new thread is started by either side of an external tie.
  bool user_sends = d.parent ? !d.parent->from_user : other_internal || rng_.PerMille(550);
  d.from = user_sends ? u : other;
  d.to.push_back(user_sends ? other : u);
  d.mailbox_user = u;
  d.utc = TimeOn(day, pop_.people[d.from].offset_minutes);
  if (d.parent) {
    int64_t reply_utc = std::max(d.utc, d.parent->utc + rng_.Range(300, 3 * 3600));
    if (reply_utc < end_utc_) {
      d.utc = reply_utc;
    } else {
      d.parent = nullptr;
    }
  }
  d.subject = d.parent ? d.parent->subject : NewSubject(other);
  // Out-of-office: an external contact's mail system answers the user automatically.
  d.auto_reply = d.parent && !user_sends && !other_internal && rng_.PerMille(60);
  if (d.auto_reply) {
    d.utc = d.parent->utc + rng_.Range(5, 120);
  } else {
    AddCompanions(d, u, other);
  }
  WritePersonMessage(d);
  if (d.parent) d.parent->answered = true;
  // Nobody answers an automatic reply, so it never enters the window.
  if (!d.auto_reply) Remember(window, d, user_sends);
}

void Traffic::Remember(TieWindow& window, const Draft& d, bool from_user) {
  ThreadEntry e;  // filled before the window shifts: d.parent points into it
  e.number = number_;
  e.root = d.parent ? d.parent->root : number_;
  e.parent = d.parent ? d.parent->number : 0;
  e.utc = d.utc;
  e.subject = d.subject;
  e.depth = d.parent ? static_cast<uint8_t>(d.parent->depth + 1) : 0;
  e.from_user = from_user;
  window[1] = window[0];
  window[0] = e;
}

// Sometimes a second recipient or a Cc: a colleague at the same account, or a teammate.
void Traffic::AddCompanions(Draft& d, uint32_t user, uint32_t other) {
  auto add = [&](std::vector<uint32_t>& list) {
    uint32_t c = Companion(user, other);
    bool seen = c == d.from || std::find(d.to.begin(), d.to.end(), c) != d.to.end() ||
                std::find(d.cc.begin(), d.cc.end(), c) != d.cc.end();
    if (!seen) list.push_back(c);
  };
  if (rng_.PerMille(80)) add(d.to);
  if (rng_.PerMille(180)) {
    for (int64_t n = rng_.Range(1, 2); n > 0; --n) add(d.cc);
  }
}

uint32_t Traffic::Companion(uint32_t user, uint32_t other) {
  int32_t account = pop_.people[other].account;
  if (account >= 0 && rng_.PerMille(500)) {
    const Account& a = pop_.accounts[static_cast<size_t>(account)];
    return a.first_contact + static_cast<uint32_t>(rng_.Uniform(a.contact_count));
  }
  const std::vector<uint32_t>& team = pop_.teams[pop_.users[user].team];
  return team[rng_.Uniform(team.size())];
}

// A subject is a template index and a parameter (account or codename) packed in 32 bits, so a
// tie's window stores it in four bytes and the text is rebuilt for every reply.
uint32_t Traffic::NewSubject(uint32_t other) {
  int32_t account = pop_.people[other].account;
  if (account >= 0) {
    auto t = static_cast<uint32_t>(rng_.Uniform(ExternalSubjects().size()));
    return 0x80000000u | t << 16 | static_cast<uint32_t>(account);
  }
  auto t = static_cast<uint32_t>(rng_.Uniform(InternalSubjects().size()));
  return t << 16 | static_cast<uint32_t>(rng_.Uniform(ProjectCodenames().size()));
}

std::string Traffic::SubjectText(uint32_t subject) const {
  uint32_t t = subject >> 16 & 0x7FFF, param = subject & 0xFFFF;
  if (subject & 0x80000000u) return FillTemplate(ExternalSubjects()[t], pop_.accounts[param].name);
  return FillTemplate(InternalSubjects()[t], ProjectCodenames()[param]);
}

void Traffic::ComposeNewsletter(int64_t day) {
  const BulkSender& s = kNewsletters[rng_.LowBiased(std::size(kNewsletters))];
  auto u = static_cast<uint32_t>(rng_.Uniform(pop_.users.size()));
  // Newsletters go out early in the sender's morning, whatever the weekday.
  int64_t utc = day * kDay + 6 * 3600 + static_cast<int64_t>(rng_.Uniform(3600)) -
                int64_t{s.offset_minutes} * 60;
  BeginHeaders(utc, s.offset_minutes);
  text_ += "From: \"";
  text_ += s.name;
  text_ += "\" <";
  text_ += s.address;
  text_ += ">\n";
  AddressHeader("To", {u});
  NoteRobot(s.name, s.address, u);
  facts_.subject.assign(s.name);
  facts_.subject += ": issue ";
  AppendNumber(facts_.subject, static_cast<uint64_t>(100 + (day - first_day_) / 7));  // weekly
  facts_.list_id.assign(s.name);
  facts_.list_id += " <";
  facts_.list_id += s.list_id;
  facts_.list_id += '>';
  facts_.precedence = "bulk";
  text_ += "Subject: ";
  text_ += facts_.subject;
  text_ += "\nList-Id: ";
  text_ += facts_.list_id;
  text_ += "\nList-Unsubscribe: <mailto:unsubscribe@";
  std::string_view domain = s.address.substr(s.address.find('@') + 1);
  text_ += domain;
  text_ += "?subject=unsubscribe>,\n <https://";  // folded: the line would pass 78 columns
  text_ += domain;
  text_ += "/unsubscribe?u=";
  AppendNumber(text_, rng_.Next() >> 20);
  text_ += ">\nPrecedence: bulk\n";
  text_ += "MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n\n";
  text_ += "This week's highlights are below. You receive this because you subscribed.\n";
  text_ += "To stop receiving it, use the unsubscribe link.\n";
  FinishText(utc, u, s.address);
}

void Traffic::ComposeNotification(int64_t day) {
  size_t which = rng_.Uniform(std::size(kNotifiers));
  const BulkSender& s = kNotifiers[which];
  std::string address = Resolve(s.address, spec_.internal_domain);
  auto u = static_cast<uint32_t>(rng_.Uniform(pop_.users.size()));
  int offset = s.address.back() == '%' ? pop_.people[u].offset_minutes : s.offset_minutes;
  int64_t utc = TimeOn(day, offset);
  BeginHeaders(utc, offset);
  text_ += "From: ";
  AppendMailbox(text_, s.name, NameForm::kPlain, address);
  text_ += '\n';
  AddressHeader("To", {u});
  NoteRobot(s.name, address, u);
  facts_.subject =
      FillTemplate(kNotificationSubjects[which], std::to_string(10000 + rng_.Uniform(90000)));
  facts_.auto_submitted = "auto-generated";
  text_ += "Subject: ";
  text_ += facts_.subject;
  text_ += "\nAuto-Submitted: auto-generated\n";
  text_ += "MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n\n";
  text_ += "This message was sent automatically. Please do not reply to it.\n";
  FinishText(utc, u, address);
}

void Traffic::ComposeAnnouncement(int64_t day) {
  auto u = static_cast<uint32_t>(rng_.Uniform(pop_.users.size()));
  int offset = pop_.people[0].offset_minutes;  // head office: the first user's office
  int64_t utc = TimeOn(day, offset);
  BeginHeaders(utc, offset);
  text_ += "From: " + org_name_ + " Announcements <announce@" + spec_.internal_domain + ">\n";
  text_ += "To: all-staff@" + spec_.internal_domain + "\n";
  facts_.robot_name = org_name_ + " Announcements";
  facts_.robot_address = "announce@" + spec_.internal_domain;
  facts_.list_address = "all-staff@" + spec_.internal_domain;
  facts_.subject = FillTemplate("Company update: %",
                                ProjectCodenames()[rng_.Uniform(ProjectCodenames().size())]);
  facts_.list_id = "All staff <all-staff." + spec_.internal_domain + ">";
  facts_.precedence = "list";
  text_ += "Subject: ";
  text_ += facts_.subject;
  text_ += "\nList-Id: " + facts_.list_id + "\n";
  text_ += "Precedence: list\n";
  text_ += "MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n\n";
  text_ += "Please read the update on the intranet before Friday's all-hands.\n";
  // All staff receive it; one copy is kept, in the mailbox of a user picked at random.
  FinishText(utc, u, "announce@" + spec_.internal_domain);
}

void Traffic::AppendMessageId(uint64_t number) {
  text_ += '<';
  AppendNumber(text_, number);
  text_ += '.';
  AppendNumber(text_, spec_.seed);
  text_ += kIdDomain;
}

void Traffic::BeginHeaders(int64_t utc, int offset_minutes) {
  text_.clear();
  facts_.Clear();
  facts_.root = number_;
  text_ += "Message-ID: ";
  AppendMessageId(number_);
  text_ += "\nDate: ";
  AppendRfc5322Date(text_, utc, offset_minutes);
  text_ += '\n';
}

// Writes "Name: a, b, c" folded before a mailbox that would pass 78 columns.
void AppendAddressHeader(std::string& out, std::string_view name, const Population& pop,
                         const std::vector<uint32_t>& people) {
  if (people.empty()) return;
  size_t line_start = out.size();
  out += name;
  out += ": ";
  for (size_t i = 0; i < people.size(); ++i) {
    const std::string& mailbox = pop.people[people[i]].mailbox;
    if (i > 0) {
      out += ',';
      if (out.size() - line_start + 1 + mailbox.size() > 78) {
        out += '\n';
        line_start = out.size();
      }
      out += ' ';
    }
    out += mailbox;
  }
  out += '\n';
}

void Traffic::AddressHeader(std::string_view name, const std::vector<uint32_t>& people) {
  AppendAddressHeader(text_, name, pop_, people);
}

void Traffic::ReferenceHeaders(const ThreadEntry& parent) {
  facts_.root = parent.root;
  text_ += "In-Reply-To: ";
  AppendMessageId(parent.number);
  // The thread's root, the grandparent and the parent: a trimmed References, as mailers keep it.
  text_ += "\nReferences: ";
  if (parent.root != parent.number) {
    AppendMessageId(parent.root);
    facts_.references.push_back(parent.root);
    text_ += ' ';
    if (parent.parent != 0 && parent.parent != parent.root) {
      AppendMessageId(parent.parent);
      facts_.references.push_back(parent.parent);
      text_ += ' ';
    }
  }
  AppendMessageId(parent.number);
  facts_.references.push_back(parent.number);
  text_ += '\n';
}

void Traffic::WritePersonMessage(const Draft& d) {
  const Person& from = pop_.people[d.from];
  BeginHeaders(d.utc, from.offset_minutes);
  text_ += "From: ";
  text_ += from.mailbox;
  text_ += '\n';
  AddressHeader("To", d.to);
  AddressHeader("Cc", d.cc);
  facts_.from = d.from;
  facts_.to = d.to;
  facts_.cc = d.cc;
  std::string_view prefix = d.auto_reply ? "Automatic reply: " : d.parent ? "Re: " : "";
  std::string subject = SubjectText(d.subject);
  facts_.subject.assign(prefix);
  facts_.subject += subject;
  text_ += "Subject: ";
  text_ += prefix;  // outside the encoded words, as before
  AppendHeaderText(text_, subject);
  text_ += '\n';
  if (d.parent) ReferenceHeaders(*d.parent);
  if (d.auto_reply) {
    text_ += "Auto-Submitted: auto-replied\n";
    facts_.auto_submitted = "auto-replied";
  }
  text_ += "MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n";
  text_ += "Content-Transfer-Encoding: 8bit\n\n";
  WriteBody(d);
  FinishText(d.utc, pop_.people[d.from].internal ? d.from : d.mailbox_user, from.address);
}

void Traffic::WriteBody(const Draft& d) {
  const Person& from = pop_.people[d.from];
  if (d.auto_reply) {
    text_ += "I am out of the office with limited access to email and will reply when I am back.\n";
    return;
  }
  auto sentences = Sentences();
  text_ += kGreetings[rng_.Uniform(std::size(kGreetings))];
  text_ += pop_.people[d.to.front()].first;
  text_ += ",\n\n";
  text_ += sentences[rng_.Uniform(sentences.size())];
  text_ += '\n';
  if (rng_.PerMille(500)) {
    text_ += sentences[rng_.Uniform(sentences.size())];
    text_ += '\n';
  }
  text_ += '\n';
  text_ += kSignoffs[rng_.Uniform(std::size(kSignoffs))];
  text_ += '\n';
  text_ += from.first;
  text_ += '\n';
}

void Traffic::FinishText(int64_t utc, uint32_t mailbox_user, std::string_view envelope_from) {
  envelope_.assign(envelope_from);
  out_.text = text_;
  out_.envelope_from = envelope_;
  out_.mailbox = mailboxes_[mailbox_user];
  out_.utc = utc;
  out_.number = number_;
  facts_.number = number_;
  facts_.utc = utc;
}

// A robot (newsletter, notifier) writes to one user.
void Traffic::NoteRobot(std::string_view name, std::string_view address, uint32_t user) {
  facts_.robot_name.assign(name);
  facts_.robot_address.assign(address);
  facts_.to.assign(1, user);
}

}  // namespace rapport::sample
