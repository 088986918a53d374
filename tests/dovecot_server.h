// DovecotServer: a real IMAP server (Debian's dovecot-imapd) for the tests, started on free
// loopback ports with its own configuration, TLS certificate (from a test CA made with openssl)
// and passwd-file in a temporary folder, and stopped when the object goes.
//
// Run as root (CI), Dovecot's own unprivileged users own the mail; otherwise the calling user.
#pragma once

#include <grp.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "raw_connection.h"
#include "test_support.h"

namespace rapport::testing {

inline int FreeLoopbackPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

inline bool PortAccepts(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

inline std::string DovecotBinary() {
  for (const char* p : {"/usr/sbin/dovecot", "/usr/local/sbin/dovecot"}) {
    if (std::filesystem::exists(p)) return p;
  }
  return "";
}

#define RAPPORT_REQUIRE_DOVECOT()                                                            \
  if (::rapport::testing::DovecotBinary().empty()) {                                         \
    GTEST_SKIP() << "dovecot not installed: scripts/install-deps.sh installs dovecot-imapd"; \
  }

class DovecotServer {
 public:
  // One user, `user` with password `password`, whose Maildir is Maildir(). With
  // `oauth2_introspection_url`, the user may also log in with XOAUTH2 or OAUTHBEARER, each token
  // checked at that RFC 7662 endpoint (Dovecot's oauth2 passdb).
  explicit DovecotServer(std::string user = "alice", std::string password = "s3cret",
                         const std::string& oauth2_introspection_url = "")
      : user_(std::move(user)), password_(std::move(password)) {
    const bool root = geteuid() == 0;
    struct passwd* mail_owner = root ? getpwnam("dovecot") : getpwuid(geteuid());
    uid_ = mail_owner ? mail_owner->pw_uid : geteuid();
    gid_ = mail_owner ? mail_owner->pw_gid : getegid();
    std::string me = getpwuid(geteuid())->pw_name;
    std::string my_group = getgrgid(getegid()) ? getgrgid(getegid())->gr_name : me;
    std::filesystem::create_directories(Maildir() + "/cur");
    std::filesystem::create_directories(Maildir() + "/new");
    std::filesystem::create_directories(Maildir() + "/tmp");
    std::filesystem::create_directories(dir_ / "run");
    std::filesystem::create_directories(dir_ / "state");
    MakeCertificates();
    imaps_port_ = FreeLoopbackPort();
    imap_port_ = FreeLoopbackPort();
    WriteFile(dir_ / "passwd", user_ + ":{PLAIN}" + password_ + ":" + std::to_string(uid_) + ":" +
                                   std::to_string(gid_) + "::" + (dir_ / "home") + "::\n");
    std::string internal = root ? "dovecot" : me;
    std::string internal_group = root ? "dovecot" : my_group;
    std::string login = root ? "dovenull" : me;
    WriteFile(dir_ / "dovecot.conf",
              "base_dir = " + (dir_ / "run") + "\nstate_dir = " + (dir_ / "state") +
                  "\nlog_path = " + (dir_ / "dovecot.log") +
                  "\nprotocols = imap\nlisten = 127.0.0.1\nssl = yes\n"
                  "ssl_cert = <" +
                  (dir_ / "server.crt") + "\nssl_key = <" + (dir_ / "server.key") +
                  "\nauth_mechanisms = plain login" +
                  (oauth2_introspection_url.empty() ? "" : " xoauth2 oauthbearer") +
                  "\ndisable_plaintext_auth = no\n"
                  "default_internal_user = " +
                  internal + "\ndefault_internal_group = " + internal_group +
                  "\ndefault_login_user = " + login +
                  "\nfirst_valid_uid = 1\nmail_location = maildir:~/Maildir\n"
                  "service imap-login {\n  inet_listener imap {\n    address = 127.0.0.1\n"
                  "    port = " +
                  std::to_string(imap_port_) +
                  "\n  }\n  inet_listener imaps {\n    address = 127.0.0.1\n    port = " +
                  std::to_string(imaps_port_) + "\n    ssl = yes\n  }\n}\n" +
                  OAuth2Passdb(oauth2_introspection_url) +
                  "passdb {\n  driver = passwd-file\n  mechanisms = plain login\n"
                  "  args = scheme=PLAIN username_format=%u " +
                  (dir_ / "passwd") +
                  "\n}\nuserdb {\n  driver = passwd-file\n  args = username_format=%u " +
                  (dir_ / "passwd") + "\n}\n");
    WriteFile(dir_ / "password", password_ + "\n");
    // Dovecot's unprivileged processes must read these whatever the umask.
    for (const char* f : {"passwd", "dovecot.conf", "server.crt", "oauth2.conf.ext"}) {
      chmod((dir_ / f).c_str(), 0644);
    }
    OwnMail();
    if (root) chmod(dir_.path().c_str(), 0755);  // Dovecot's own users pass through it
    pid_ = fork();
    if (pid_ == 0) {
      std::string conf = dir_ / "dovecot.conf";
      std::string bin = DovecotBinary();
      execl(bin.c_str(), "dovecot", "-F", "-c", conf.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    for (int i = 0; i < 100 && !(PortAccepts(imaps_port_) && PortAccepts(imap_port_)); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

  ~DovecotServer() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int status = 0;
      waitpid(pid_, &status, 0);
    }
  }
  DovecotServer(const DovecotServer&) = delete;
  DovecotServer& operator=(const DovecotServer&) = delete;

  std::string Maildir() const { return dir_ / "home/Maildir"; }
  // A folder's Maildir ("" = INBOX).
  std::string Folder(const std::string& name) const {
    return name.empty() ? Maildir() : Maildir() + "/." + name;
  }
  // Puts a message into a folder as a new delivery. Call OwnMail() after a batch.
  void Deliver(const std::string& folder, const std::string& file, const std::string& message) {
    std::string base = Folder(folder);
    for (const char* sub : {"/cur", "/new", "/tmp"})
      std::filesystem::create_directories(base + sub);
    WriteFile(base + "/new/" + file, message);
  }
  // Gives the mail to the user Dovecot reads it as.
  void OwnMail() const {
    for (auto& e : std::filesystem::recursive_directory_iterator(dir_ / "home")) {
      lchown(e.path().c_str(), uid_, gid_);
    }
    lchown((dir_ / "home").c_str(), uid_, gid_);
  }
  // Appends a message to a folder through the server itself (plain IMAP on loopback), as a
  // delivery agent or another client would: unlike Deliver(), the server notices at once in
  // every folder, not only in one a client has open. True when the server took it.
  bool Append(const std::string& folder, const std::string& message) const {
    RawConnection imap(imap_port_);
    // Up to the completion of the command tagged `tag`; true when it says OK.
    auto done = [&](const std::string& tag) {
      for (std::string line = imap.ReadLine(); !line.empty(); line = imap.ReadLine()) {
        if (line.rfind(tag + " ", 0) == 0) return line.compare(tag.size() + 1, 2, "OK") == 0;
      }
      return false;
    };
    bool ok = imap.connected() && !imap.ReadLine().empty() &&
              imap.Send("a LOGIN " + user_ + " " + password_ + "\r\n") && done("a") &&
              imap.Send("b APPEND \"" + folder + "\" {" + std::to_string(message.size()) +
                        "+}\r\n" + message + "\r\n") &&
              done("b");
    imap.Send("c LOGOUT\r\n");
    return ok;
  }

  int imaps_port() const { return imaps_port_; }
  int imap_port() const { return imap_port_; }
  const std::string& user() const { return user_; }
  std::string password_file() const { return dir_ / "password"; }
  std::string ca_file() const { return dir_ / "ca.crt"; }
  std::string log() const { return ReadFile(dir_ / "dovecot.log"); }
  const TempDir& dir() const { return dir_; }

 private:
  // The passdb block for XOAUTH2/OAUTHBEARER, and its settings file; "" without a URL.
  std::string OAuth2Passdb(const std::string& introspection_url) const {
    if (introspection_url.empty()) return "";
    WriteFile(dir_ / "oauth2.conf.ext",
              "introspection_mode = post\nintrospection_url = " + introspection_url +
                  "\nforce_introspection = yes\nusername_attribute = username\n"
                  "active_attribute = active\nactive_value = true\n");
    return "passdb {\n  driver = oauth2\n  mechanisms = xoauth2 oauthbearer\n  args = " +
           (dir_ / "oauth2.conf.ext") + "\n}\n";
  }

  // A test CA and a certificate for "localhost" only: connecting to 127.0.0.1 is a name mismatch.
  void MakeCertificates() {
    std::string d = ShellQuote(dir_.path().string());
    std::string cmd =
        "cd " + d +
        " && openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 "
        "-subj '/CN=rapport test CA' 2>/dev/null"
        " && openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr "
        "-subj '/CN=localhost' 2>/dev/null"
        " && printf 'subjectAltName=DNS:localhost\\n' > ext.cnf"
        " && openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial "
        "-out server.crt -days 2 -extfile ext.cnf 2>/dev/null";
    EXPECT_EQ(std::system(cmd.c_str()), 0) << "openssl could not make the test certificates";
  }

  TempDir dir_;
  std::string user_, password_;
  uid_t uid_ = 0;
  gid_t gid_ = 0;
  int imaps_port_ = 0, imap_port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace rapport::testing
