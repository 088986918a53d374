#include "sync/imap/imap_session.h"

#include <openssl/evp.h>

#include <algorithm>

#include "sync/net_helpers.h"

namespace rapport::sync {
namespace {

std::string Base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  return s;
}

// Reads "(NAME value NAME value ...)" status items into `state`.
void ReadStatusItems(const std::vector<ImapValue>& items, FolderState& state) {
  for (size_t i = 0; i + 1 < items.size(); i += 2) {
    auto n = items[i + 1].Number().value_or(0);
    if (items[i].Is("MESSAGES")) state.messages = static_cast<uint32_t>(n);
    if (items[i].Is("UIDNEXT")) state.uidnext = static_cast<uint32_t>(n);
    if (items[i].Is("UIDVALIDITY")) state.uidvalidity = static_cast<uint32_t>(n);
    if (items[i].Is("HIGHESTMODSEQ")) state.highest_modseq = n;
  }
}

// The FETCH data items of "* N FETCH (...)", or null for any other response.
const std::vector<ImapValue>* FetchItems(const ImapResponse& r) {
  if (r.tag != "*" || r.values.size() < 3 || !r.values[1].Is("FETCH")) return nullptr;
  if (r.values[2].kind != ImapValue::Kind::kList) return nullptr;
  return &r.values[2].list;
}

uint32_t FetchUid(const std::vector<ImapValue>& items) {
  for (size_t i = 0; i + 1 < items.size(); i += 2) {
    if (items[i].Is("UID")) return static_cast<uint32_t>(items[i + 1].Number().value_or(0));
  }
  return 0;
}

}  // namespace

std::optional<std::string> QuoteMailbox(std::string_view name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '\r' || c == '\n' || c == '\0') return std::nullopt;
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

Result<std::unique_ptr<ImapSession>> ImapSession::Open(const ImapEndpoint& endpoint, bool starttls,
                                                       const ImapLogin& login) {
  auto connection = ImapConnection::Open(endpoint);
  if (!connection.ok()) return connection.status();
  auto session = std::make_unique<ImapSession>(std::move(*connection));
  auto greeting = session->connection_->Read();
  if (!greeting.ok()) return greeting.status();
  if (greeting->IsStatus("BYE")) {
    return Status::IoError("IMAP: " + endpoint.host + " refused the connection: " + greeting->text);
  }
  RAPPORT_RETURN_IF_ERROR(session->Capability());
  if (starttls && !session->connection_->Secure()) {
    if (!session->Has("STARTTLS")) {
      return Status::FailedPrecondition("IMAP: " + endpoint.host +
                                        " does not offer STARTTLS (use imaps:// instead)");
    }
    RAPPORT_RETURN_IF_ERROR(session->Run("STARTTLS"));
    RAPPORT_RETURN_IF_ERROR(session->connection_->StartTls());
    RAPPORT_RETURN_IF_ERROR(session->Capability());  // RFC 3501 §6.2.1: ask again under TLS
  }
  RAPPORT_RETURN_IF_ERROR(session->Login(login, IsLoopbackHost(endpoint.host)));
  if (session->Has("QRESYNC")) {
    RAPPORT_RETURN_IF_ERROR(session->Run("ENABLE QRESYNC"));
    session->qresync_ = true;
  }
  return session;
}

bool ImapSession::Has(std::string_view capability) const {
  return std::find(capabilities_.begin(), capabilities_.end(), Upper(std::string(capability))) !=
         capabilities_.end();
}

std::string ImapSession::NextTag() {
  std::string tag = std::to_string(++tag_);  // (not "r" + ...: GCC 12 warns falsely there)
  tag.insert(tag.begin(), 'r');
  return tag;
}

Status ImapSession::Capability() {
  capabilities_.clear();
  return Run("CAPABILITY", [&](ImapResponse& r) {
    if (r.values.empty() || !r.values[0].Is("CAPABILITY")) return Status::Ok();
    for (size_t i = 1; i < r.values.size(); ++i) capabilities_.push_back(Upper(r.values[i].text));
    return Status::Ok();
  });
}

Status ImapSession::Run(const std::string& command,
                        const std::function<Status(ImapResponse&)>& each) {
  const std::string tag = NextTag();
  RAPPORT_RETURN_IF_ERROR(connection_->Write(tag + " " + command + "\r\n"));
  while (true) {
    auto r = connection_->Read();
    if (!r.ok()) return r.status();
    if (r->tag == tag) {
      if (r->IsStatus("OK")) return Status::Ok();
      std::string verb = command.substr(0, command.find(' '));
      return Status::FailedPrecondition("IMAP: the server answered " + verb + " with " +
                                        (r->values.empty() ? "?" : r->values[0].text) + ": " +
                                        r->text);
    }
    if (r->tag == "*" && r->IsStatus("BYE")) {
      return Status::IoError("IMAP: the server closed the session: " + r->text);
    }
    if (each) RAPPORT_RETURN_IF_ERROR(each(*r));
  }
}

Status ImapSession::Login(const ImapLogin& login, bool loopback) {
  if (!connection_->Secure() && !loopback) {
    return Status::FailedPrecondition(
        "IMAP: refusing to send credentials without TLS (use imaps:// or --starttls)");
  }
  std::string command;
  if (!login.oauth2_token.empty()) {
    command = "AUTHENTICATE XOAUTH2 " + Base64("user=" + login.user + "\x01" + "auth=Bearer " +
                                               login.oauth2_token + "\x01\x01");
  } else if (Has("AUTH=PLAIN") && Has("SASL-IR")) {
    command = "AUTHENTICATE PLAIN " +
              Base64(std::string(1, '\0') + login.user + std::string(1, '\0') + login.password);
  } else if (Has("LOGINDISABLED")) {
    return Status::FailedPrecondition("IMAP: the server does not allow LOGIN here");
  } else {
    auto user = QuoteMailbox(login.user);
    auto password = QuoteMailbox(login.password);
    if (!user || !password) {
      return Status::InvalidArgument("IMAP: the user or password holds a line break");
    }
    command = "LOGIN " + *user + " " + *password;
  }
  const std::string tag = NextTag();
  RAPPORT_RETURN_IF_ERROR(connection_->Write(tag + " " + command + "\r\n"));
  while (true) {
    auto r = connection_->Read();
    if (!r.ok()) return r.status();
    if (r->tag == "+") {  // XOAUTH2 sends its error as a challenge; an empty answer ends it
      RAPPORT_RETURN_IF_ERROR(connection_->Write("\r\n"));
      continue;
    }
    if (r->tag != tag) continue;
    if (r->IsStatus("OK")) break;
    const char* what = login.oauth2_token.empty() ? "password (check --password-file)"
                                                  : "OAuth token (check --oauth2-token-file)";
    return Status::PermissionDenied("IMAP: the server refused " + login.user + "'s " + what + ": " +
                                    r->text);
  }
  return Capability();  // what a server offers can change after login
}

Status ImapSession::List(std::vector<ImapFolder>& folders,
                         std::map<std::string, FolderState>& states) {
  const bool with_status = Has("LIST-STATUS");
  std::string command = "LIST \"\" \"*\"";
  if (with_status) {
    command += Has("CONDSTORE") ? " RETURN (STATUS (MESSAGES UIDNEXT UIDVALIDITY HIGHESTMODSEQ))"
                                : " RETURN (STATUS (MESSAGES UIDNEXT UIDVALIDITY))";
  }
  return Run(command, [&](ImapResponse& r) {
    if (r.values.size() >= 4 && r.values[0].Is("LIST") &&
        r.values[1].kind == ImapValue::Kind::kList) {
      ImapFolder f;
      f.name = r.values[3].text;
      for (const auto& flag : r.values[1].list) {
        if (flag.Is("\\NOSELECT") || flag.Is("\\NONEXISTENT")) f.selectable = false;
      }
      folders.push_back(std::move(f));
    } else if (r.values.size() >= 3 && r.values[0].Is("STATUS") &&
               r.values[2].kind == ImapValue::Kind::kList) {
      ReadStatusItems(r.values[2].list, states[r.values[1].text]);
    }
    return Status::Ok();
  });
}

Result<std::map<std::string, FolderState>> ImapSession::FolderStates(
    const std::vector<std::string>& folders) {
  std::map<std::string, FolderState> states;
  std::string items = Has("CONDSTORE") ? "(MESSAGES UIDNEXT UIDVALIDITY HIGHESTMODSEQ)"
                                       : "(MESSAGES UIDNEXT UIDVALIDITY)";
  // Pipelined: every command is written first, then the answers are read.
  std::vector<std::string> tags;
  std::string batch;
  for (const auto& f : folders) {
    auto quoted = QuoteMailbox(f);
    if (!quoted) continue;
    tags.push_back(NextTag());
    batch += tags.back() + " STATUS " + *quoted + " " + items + "\r\n";
  }
  RAPPORT_RETURN_IF_ERROR(connection_->Write(batch));
  size_t done = 0;
  while (done < tags.size()) {
    auto r = connection_->Read();
    if (!r.ok()) return r.status();
    if (r->tag == "*" && r->values.size() >= 3 && r->values[0].Is("STATUS") &&
        r->values[2].kind == ImapValue::Kind::kList) {
      ReadStatusItems(r->values[2].list, states[r->values[1].text]);
    } else if (r->tag != "*" && r->tag != "+") {
      ++done;  // a folder that cannot be asked about is simply left out
    }
  }
  return states;
}

Result<FolderState> ImapSession::Examine(const std::string& folder,
                                         const std::optional<FolderState>& known,
                                         std::vector<uint32_t>& vanished) {
  auto quoted = QuoteMailbox(folder);
  if (!quoted) return Status::InvalidArgument("IMAP: a folder name holds a line break");
  std::string command = "EXAMINE " + *quoted;
  if (qresync_ && known && known->highest_modseq > 0) {
    command += " (QRESYNC (" + std::to_string(known->uidvalidity) + " " +
               std::to_string(known->highest_modseq) + "))";
  } else if (Has("CONDSTORE")) {
    command += " (CONDSTORE)";
  }
  FolderState state;
  Status st = Run(command, [&](ImapResponse& r) -> Status {
    if (r.tag != "*") return Status::Ok();
    if (r.values.size() >= 2 && r.values[1].Is("EXISTS")) {
      state.messages = static_cast<uint32_t>(r.values[0].Number().value_or(0));
    }
    if (r.code.size() >= 2) {
      auto n = r.code[1].Number().value_or(0);
      if (r.code[0].Is("UIDVALIDITY")) state.uidvalidity = static_cast<uint32_t>(n);
      if (r.code[0].Is("UIDNEXT")) state.uidnext = static_cast<uint32_t>(n);
      if (r.code[0].Is("HIGHESTMODSEQ")) state.highest_modseq = n;
    }
    if (!r.values.empty() && r.values[0].Is("VANISHED")) {  // (EARLIER) uid-set
      auto set = ParseUidSet(r.values.back().text);
      if (!set.ok()) return set.status();
      vanished.insert(vanished.end(), set->begin(), set->end());
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return state;
}

Result<std::vector<uint32_t>> ImapSession::AllUids() {
  std::vector<uint32_t> uids;
  const bool esearch = Has("ESEARCH");
  Status st = Run(esearch ? "UID SEARCH RETURN (ALL) ALL" : "UID SEARCH ALL",
                  [&](ImapResponse& r) -> Status {
                    if (r.values.empty()) return Status::Ok();
                    if (r.values[0].Is("SEARCH")) {
                      for (size_t i = 1; i < r.values.size(); ++i) {
                        if (auto n = r.values[i].Number())
                          uids.push_back(static_cast<uint32_t>(*n));
                      }
                    } else if (r.values[0].Is("ESEARCH")) {
                      for (size_t i = 1; i + 1 < r.values.size(); ++i) {
                        if (!r.values[i].Is("ALL")) continue;
                        auto set = ParseUidSet(r.values[i + 1].text);
                        if (!set.ok()) return set.status();
                        uids = std::move(*set);
                      }
                    }
                    return Status::Ok();
                  });
  if (!st.ok()) return st;
  std::sort(uids.begin(), uids.end());
  uids.erase(std::unique(uids.begin(), uids.end()), uids.end());
  return uids;
}

Status ImapSession::FetchHeaders(const std::string& uid_set,
                                 const std::function<Status(FetchedHeader&)>& each) {
  return Run("UID FETCH " + uid_set + " (UID BODY.PEEK[HEADER])", [&](ImapResponse& r) {
    const auto* items = FetchItems(r);
    if (items == nullptr) return Status::Ok();
    FetchedHeader h;
    h.uid = FetchUid(*items);
    for (size_t i = 0; i + 1 < items->size(); i += 2) {
      if (Upper((*items)[i].text) == "BODY[HEADER]") h.header = std::move((*items)[i + 1].text);
    }
    if (h.uid == 0) return Status::Ok();  // an unsolicited flag update, say
    return each(h);
  });
}

Status ImapSession::FetchStructures(const std::string& uid_set,
                                    const std::function<Status(uint32_t, const ImapValue&)>& each) {
  return Run("UID FETCH " + uid_set + " (UID BODYSTRUCTURE)", [&](ImapResponse& r) {
    const auto* items = FetchItems(r);
    if (items == nullptr) return Status::Ok();
    uint32_t uid = FetchUid(*items);
    for (size_t i = 0; i + 1 < items->size(); i += 2) {
      if ((*items)[i].Is("BODYSTRUCTURE") && uid != 0) return each(uid, (*items)[i + 1]);
    }
    return Status::Ok();
  });
}

Result<std::vector<std::string>> ImapSession::FetchSections(
    uint32_t uid, const std::vector<std::string>& sections) {
  std::vector<std::string> out(sections.size());
  std::string items;
  for (const auto& section : sections) items += " BODY.PEEK[" + section + "]";
  Status st = Run("UID FETCH " + std::to_string(uid) + " (UID" + items + ")", [&](ImapResponse& r) {
    const auto* fetched = FetchItems(r);
    if (fetched == nullptr || FetchUid(*fetched) != uid) return Status::Ok();
    for (size_t i = 0; i + 1 < fetched->size(); i += 2) {
      const std::string name = Upper((*fetched)[i].text);
      for (size_t k = 0; k < sections.size(); ++k) {
        if (name == "BODY[" + Upper(sections[k]) + "]") out[k] = (*fetched)[i + 1].text;
      }
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

Status ImapSession::NotifyEveryFolder() {
  return Run(
      "NOTIFY SET (selected (MessageNew MessageExpunge)) (personal (MessageNew MessageExpunge))");
}

namespace {

// The folder an untagged response during IDLE says changed: `open_folder` for EXISTS, EXPUNGE
// and VANISHED, the named folder for STATUS (NOTIFY); nullopt for anything else.
std::optional<std::string> ChangedFolder(const ImapResponse& r, const std::string& open_folder) {
  if (r.tag != "*" || r.values.empty()) return std::nullopt;
  if (r.values[0].Is("VANISHED")) return open_folder;
  if (r.values.size() >= 2 && (r.values[1].Is("EXISTS") || r.values[1].Is("EXPUNGE"))) {
    return open_folder;
  }
  if (r.values.size() >= 2 && r.values[0].Is("STATUS")) return r.values[1].Text();
  return std::nullopt;
}

}  // namespace

Result<bool> ImapSession::Idle(std::chrono::milliseconds wait, const std::atomic<bool>& stop,
                               const std::string& open_folder,
                               const std::function<bool(const std::string&)>& wanted) {
  const std::string tag = NextTag();
  RAPPORT_RETURN_IF_ERROR(connection_->Write(tag + " IDLE\r\n"));
  bool changed = false, done_sent = false;
  auto deadline = std::chrono::steady_clock::now() + wait;
  while (true) {
    if (!done_sent && (changed || stop.load() || std::chrono::steady_clock::now() >= deadline)) {
      RAPPORT_RETURN_IF_ERROR(connection_->Write("DONE\r\n"));
      done_sent = true;
    }
    if (!done_sent) {
      auto readable = connection_->WaitReadable(std::chrono::milliseconds(250));
      if (!readable.ok()) return readable.status();
      if (!*readable) continue;
    }
    auto r = connection_->Read();
    if (!r.ok()) return r.status();
    if (r->tag == tag) {
      if (!r->IsStatus("OK")) return Status::FailedPrecondition("IMAP: IDLE refused: " + r->text);
      return changed;
    }
    if (auto folder = ChangedFolder(*r, open_folder); folder && wanted(*folder)) changed = true;
  }
}

Status ImapSession::Logout() {
  return Run("LOGOUT");
}

}  // namespace rapport::sync
