#include "ingest/identity/mail_domains.h"

#include <libpsl.h>

#include <unordered_set>

#include "ingest/mail/header_block.h"

namespace rapport::ingest {
namespace {

// Consumer mail providers and ISPs whose users are private people, not a company (including
// the ISPs of the Enron era, whose mail is in the corpus).
const std::unordered_set<std::string_view>& FreeMailDomains() {
  static const std::unordered_set<std::string_view> domains = {
      "126.com",        "163.com",        "airmail.net",     "ev1.net",        "netcom.com",
      "rr.com",         "aim.com",        "alice.it",        "aol.co.uk",      "aol.com",
      "att.net",        "bellsouth.net",  "bigpond.com",     "bluewin.ch",     "btinternet.com",
      "charter.net",    "comcast.net",    "cox.net",         "earthlink.net",  "email.com",
      "excite.com",     "fastmail.com",   "flash.net",       "free.fr",        "freenet.de",
      "gmail.com",      "gmx.at",         "gmx.com",         "gmx.de",         "gmx.net",
      "googlemail.com", "hey.com",        "home.com",        "hotmail.co.uk",  "hotmail.com",
      "hotmail.de",     "hotmail.es",     "hotmail.fr",      "hotmail.it",     "hushmail.com",
      "icloud.com",     "inbox.com",      "juno.com",        "laposte.net",    "libero.it",
      "live.ca",        "live.co.uk",     "live.com",        "live.de",        "live.fr",
      "live.nl",        "mac.com",        "mail.com",        "mail.ru",        "me.com",
      "mindspring.com", "msn.com",        "naver.com",       "netscape.net",   "netzero.net",
      "ntlworld.com",   "optonline.net",  "orange.fr",       "outlook.com",    "outlook.de",
      "outlook.es",     "outlook.fr",     "pacbell.net",     "pm.me",          "posteo.de",
      "prodigy.net",    "proton.me",      "protonmail.ch",   "protonmail.com", "qq.com",
      "rambler.ru",     "rediffmail.com", "rocketmail.com",  "rogers.com",     "sbcglobal.net",
      "sfr.fr",         "shaw.ca",        "sky.com",         "swbell.net",     "sympatico.ca",
      "t-online.de",    "talktalk.net",   "telus.net",       "tiscali.it",     "tutanota.com",
      "verizon.net",    "virgin.net",     "virginmedia.com", "wanadoo.fr",     "web.de",
      "windstream.net", "yahoo.ca",       "yahoo.co.in",     "yahoo.co.jp",    "yahoo.co.uk",
      "yahoo.com",      "yahoo.com.au",   "yahoo.de",        "yahoo.fr",       "yandex.com",
      "yandex.ru",      "ymail.com",      "zoho.com",        "zohomail.com",
  };
  return domains;
}

// Local parts (before any '+' or '-' suffix) used by systems and functions, never by a person.
constexpr std::string_view kRoleLocalParts[] = {"noreply",
                                                "no-reply",
                                                "no_reply",
                                                "donotreply",
                                                "do-not-reply",
                                                "do_not_reply",
                                                "mailer-daemon",
                                                "postmaster",
                                                "bounce",
                                                "bounces",
                                                "notification",
                                                "notifications",
                                                "notify",
                                                "alerts",
                                                "alert",
                                                "calendar",
                                                "calendar-notification",
                                                "daemon",
                                                "root",
                                                "abuse",
                                                "listserv",
                                                "majordomo",
                                                "mailman",
                                                "owner",
                                                "automailer",
                                                "auto-reply",
                                                "autoreply",
                                                "system",
                                                "mailerdaemon",
                                                "news",
                                                "newsletter",
                                                "newsletters",
                                                "digest",
                                                "support-noreply"};

const psl_ctx_t* Psl() {
  static const psl_ctx_t* ctx = psl_builtin();
  return ctx;
}

// Letters, digits, '-', '.', '_' and UTF-8 beyond ASCII (an internationalised name), but no C1
// control: libpsl finds a registrable domain in "mgila.com\x01" (an unknown suffix counts as
// one), which would reach the store and terminals (found by fuzz/accounts_csv_fuzz).
bool IsHostnameText(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) < 0xA0) {
        return false;
      }
      continue;
    }
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.' || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::string OrganisationDomain(std::string_view domain) {
  if (domain.empty() || domain.front() == '[' || domain.find('.') == std::string_view::npos ||
      !IsHostnameText(domain)) {
    return {};
  }
  std::string d(domain);
  for (char& c : d) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  while (!d.empty() && d.back() == '.') d.pop_back();
  const char* registrable = Psl() ? psl_registrable_domain(Psl(), d.c_str()) : nullptr;
  return registrable ? std::string(registrable) : std::string();
}

bool IsFreeMailDomain(std::string_view organisation_domain) {
  return FreeMailDomains().count(organisation_domain) > 0;
}

bool IsRoleAddress(std::string_view address) {
  size_t at = address.rfind('@');
  std::string_view local = address.substr(0, at == std::string_view::npos ? address.size() : at);
  for (std::string_view role : kRoleLocalParts) {
    if (!StartsWithIgnoreCase(local, role)) continue;
    // "noreply", "noreply+abc", "bounces-123": the role word, then nothing or a separator.
    if (local.size() == role.size()) return true;
    char next = local[role.size()];
    if (next == '+' || next == '-' || next == '_' || next == '.' || (next >= '0' && next <= '9')) {
      return true;
    }
  }
  return false;
}

}  // namespace rapport::ingest
