// ImapSession: a logged-in IMAP connection and the few commands rapport needs to read a mailbox's
// metadata (RFC 3501/9051 with CONDSTORE/QRESYNC RFC 7162, ESEARCH RFC 4731, LIST-STATUS RFC
// 5819, IDLE RFC 2177, SASL-IR RFC 4959, XOAUTH2).
//
// Contract: reads never change the mailbox: messages are fetched with BODY.PEEK (no \Seen),
// folders are opened with EXAMINE (read-only), and only header sections and text/calendar parts
// are ever asked for. A NO or BAD completion is an error carrying the server's text; a refused
// login is PermissionDenied. Credentials are sent only once the connection is under TLS, unless
// the server is on a loopback address.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rapport/status.h"
#include "sync/imap/imap_connection.h"

namespace rapport::sync {

struct ImapLogin {
  std::string user;
  std::string password;      // AUTH=PLAIN, else LOGIN
  std::string oauth2_token;  // XOAUTH2 (Gmail, Exchange Online); used when not empty
};

struct ImapFolder {
  std::string name;  // as the server spells it (modified UTF-7)
  bool selectable = true;
};

struct FolderState {
  uint32_t uidvalidity = 0;
  uint32_t uidnext = 0;
  uint32_t messages = 0;
  uint64_t highest_modseq = 0;  // 0 when the server has no CONDSTORE
  bool operator==(const FolderState&) const = default;
};

struct FetchedHeader {
  uint32_t uid = 0;
  std::string header;  // the header section, as sent
};

class ImapSession {
 public:
  // Connects, starts TLS when asked (STARTTLS), and logs in.
  static Result<std::unique_ptr<ImapSession>> Open(const ImapEndpoint& endpoint, bool starttls,
                                                   const ImapLogin& login);
  explicit ImapSession(std::unique_ptr<ImapConnection> connection)
      : connection_(std::move(connection)) {}

  bool Has(std::string_view capability) const;
  // Every folder, with each selectable folder's state when the server can say it in the same
  // answer (LIST-STATUS); otherwise `states` stays empty for the caller to ask FolderStates().
  Status List(std::vector<ImapFolder>& folders, std::map<std::string, FolderState>& states);
  // The state of each folder named, in one round trip (pipelined STATUS commands).
  Result<std::map<std::string, FolderState>> FolderStates(const std::vector<std::string>& folders);
  // Opens a folder read-only. With `known` (same UIDVALIDITY, a mod-sequence) and QRESYNC, the
  // server also names the UIDs expunged since, into `vanished`.
  Result<FolderState> Examine(const std::string& folder, const std::optional<FolderState>& known,
                              std::vector<uint32_t>& vanished);
  // Every UID in the open folder.
  Result<std::vector<uint32_t>> AllUids();
  // The header sections of the messages with UIDs in `uid_set` ("a:b" or "a:*"), in order.
  Status FetchHeaders(const std::string& uid_set,
                      const std::function<Status(FetchedHeader&)>& each);
  // BODYSTRUCTURE of each UID in `uid_set`.
  Status FetchStructures(const std::string& uid_set,
                         const std::function<Status(uint32_t, const ImapValue&)>& each);
  // Body sections ("2.1.MIME", "2.1", "HEADER", "TEXT") of one message, in one command, in the
  // order asked; a section the server did not send is "".
  Result<std::vector<std::string>> FetchSections(uint32_t uid,
                                                 const std::vector<std::string>& sections);
  // Asks the server (NOTIFY, RFC 5465) to report new and expunged mail in the open folder and, as
  // STATUS responses, in every other folder of the account. Call Has("NOTIFY") first.
  Status NotifyEveryFolder();
  // IDLE until the server reports a change in a folder `wanted` accepts (the open folder's
  // changes count as the open folder's), `wait` passes or `stop` is set. True when one did.
  Result<bool> Idle(std::chrono::milliseconds wait, const std::atomic<bool>& stop,
                    const std::string& open_folder,
                    const std::function<bool(const std::string&)>& wanted);
  Status Logout();

 private:
  Status Login(const ImapLogin& login, bool loopback);
  Status Capability();
  // Sends a command and reads until its tagged completion; untagged responses go to `each`.
  Status Run(const std::string& command, const std::function<Status(ImapResponse&)>& each = {});
  std::string NextTag();

  std::unique_ptr<ImapConnection> connection_;
  std::vector<std::string> capabilities_;
  int tag_ = 0;
  bool qresync_ = false;
};

// A folder name as an IMAP quoted string (with \ escapes). Names from LIST are 7-bit (modified
// UTF-7); one holding CR, LF or NUL cannot be quoted: nullopt.
std::optional<std::string> QuoteMailbox(std::string_view name);

}  // namespace rapport::sync
