#include "store/key_file.h"

#include "store/new_file.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "rapport/store/store.h"

namespace rapport::store {
namespace {

// The names of the keys in the file, by KeyPurpose.
constexpr const char* kKeyNames[kKeyPurposes] = {"optout",      "access_token",  "audit_subject",
                                                 "audit_chain", "consent_chain", "anchor"};

constexpr const char* kHeader =
    "# rapport key file: the keys of the store named by store_id, kept apart from it\n"
    "# (docs/security-keys.md). Keep it private (0600), back it up with the store, never edit "
    "it.\n";

Result<std::string> RandomHex(size_t bytes) {
  unsigned char buf[32];
  if (bytes > sizeof buf || RAND_bytes(buf, static_cast<int>(bytes)) != 1) {
    return Status::IoError("the system's random generator failed; try again");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < bytes; ++i) {
    out.push_back(kHex[buf[i] >> 4]);
    out.push_back(kHex[buf[i] & 15]);
  }
  OPENSSL_cleanse(buf, sizeof buf);
  return out;
}

bool IsHex(const std::string& s) {
  return !s.empty() && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

std::string StartLine(const char* name, const ChainStart& start) {
  std::string line = std::string(name) + " " + std::to_string(start.seq);
  if (!start.base.empty()) line += " " + start.base;
  return line + "\n";
}

bool ParseStart(std::istringstream& fields, ChainStart& start) {
  if (!(fields >> start.seq) || start.seq < 1) return false;
  fields >> start.base;
  return start.seq == 1 ? start.base.empty() : IsHex(start.base);
}

}  // namespace

std::string DefaultKeyFilePath(const std::string& store_path) {
  return store_path + ".keys";
}

Result<std::string> StoreKeys::Key(KeyPurpose purpose) const {
  if (!unavailable.empty()) return Status::FailedPrecondition(unavailable);
  return keys[static_cast<size_t>(purpose)];
}

const ChainStart& StoreKeys::Start(Ledger ledger) const {
  return ledger == Ledger::kAudit ? audit : consent;
}

Result<StoreKeys> NewStoreKeys(const std::string& path) {
  StoreKeys keys;
  keys.path = path;
  auto id = RandomHex(16);
  if (!id.ok()) return id.status();
  keys.store_id = std::move(*id);
  for (auto& key : keys.keys) {
    auto k = RandomHex(32);
    if (!k.ok()) return k.status();
    key = std::move(*k);
  }
  keys.unavailable.clear();
  return keys;
}

Result<StoreKeys> ReadKeyFile(const std::string& path) {
  struct stat info;
  if (::stat(path.c_str(), &info) != 0 && errno == ENOENT) {
    return Status::NotFound("no key file at " + path);
  }
  std::ifstream in(path);
  if (!in) {
    return Status::IoError("cannot read the key file " + path + ": " + std::strerror(errno) +
                           " (check its permissions)");
  }
  StoreKeys keys;
  keys.path = path;
  bool audit = false, consent = false;
  auto bad = [&](const std::string& what) {
    return Status::Corruption("the key file " + path + " " + what +
                              " (restore it from the backup made with the store)");
  };
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string name, value;
    fields >> name;
    if (name == "audit_chain_start" || name == "consent_chain_start") {
      bool& seen = name == "audit_chain_start" ? audit : consent;
      if (!ParseStart(fields, name == "audit_chain_start" ? keys.audit : keys.consent)) {
        return bad("has a bad " + name + " line");
      }
      seen = true;
      continue;
    }
    fields >> value;
    if (!IsHex(value)) return bad("has a line that is not NAME HEX");
    if (name == "store_id") {
      keys.store_id = value;
      continue;
    }
    size_t i = 0;
    while (i < kKeyPurposes && name != kKeyNames[i]) ++i;
    if (i == kKeyPurposes) return bad("names an unknown key " + SingleQuoted(name));
    keys.keys[i] = value;
  }
  if (keys.store_id.empty()) return bad("has no store_id");
  for (size_t i = 0; i < kKeyPurposes; ++i) {
    if (keys.keys[i].empty()) return bad(std::string("has no ") + kKeyNames[i] + " key");
  }
  if (!audit || !consent) return bad("does not say where the ledgers' keyed chains start");
  keys.unavailable.clear();
  return keys;
}

Status WriteNewKeyFile(const StoreKeys& keys) {
  std::string text = kHeader;
  text += "store_id " + keys.store_id + "\n";
  for (size_t i = 0; i < kKeyPurposes; ++i) {
    text += std::string(kKeyNames[i]) + " " + keys.keys[i] + "\n";
  }
  text += StartLine("audit_chain_start", keys.audit);
  text += StartLine("consent_chain_start", keys.consent);
  // A new file (store/new_file.h): a process that finds it reads it whole, and it never
  // replaces a key file, which may be the only copy of another store's keys.
  const std::string partial = PartialPath(keys.path);
  const int fd = ::open(partial.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Status::IoError("cannot create the key file " + keys.path + ": " + std::strerror(errno) +
                           " (check the folder's permissions)");
  }
  bool ok = ::fchmod(fd, 0600) == 0;  // whatever the umask
  size_t done = 0;
  while (ok && done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  const int saved = errno;
  ok = ::close(fd) == 0 && ok;
  OPENSSL_cleanse(text.data(), text.size());
  if (!ok) {
    ::unlink(partial.c_str());
    return Status::IoError("cannot write the key file " + keys.path + ": " + std::strerror(saved) +
                           " (check the disk)");
  }
  return PublishNew(partial, keys.path,
                    "the key file " + keys.path +
                        " already exists (another store's keys?); move it away, or name a new "
                        "one with --keys PATH");
}

}  // namespace rapport::store
