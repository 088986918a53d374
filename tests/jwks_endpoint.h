// A tenant's key endpoint on a loopback port, over HTTPS with a certificate made here (trusted
// through its own file, never the system's): it counts the GETs it is sent and answers as told --
// the key set, HTTP 500, text that is no key set, nothing until released, or a trickle of one
// byte every 20 ms that ends only when released.
#pragma once

#include <httplib.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <chrono>

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "jwt_signing.h"
#include "test_support.h"

namespace rapport::testing {

// A self-signed certificate for 127.0.0.1, written with its key to cert.pem and key.pem in `dir`.
inline void WriteLoopbackCertificate(const TempDir& dir) {
  jwt::PkeyPtr key = jwt::NewKey(2048);
  std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), X509_free);
  ASSERT_TRUE(cert);
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
  for (auto [nid, value] : {std::pair{NID_subject_alt_name, "IP:127.0.0.1"},
                            std::pair{NID_basic_constraints, "critical,CA:TRUE"}}) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    ASSERT_NE(ext, nullptr);
    X509_add_ext(cert.get(), ext, -1);
    X509_EXTENSION_free(ext);
  }
  ASSERT_GT(X509_sign(cert.get(), key.get(), EVP_sha256()), 0);
  std::unique_ptr<BIO, decltype(&BIO_free)> pem(BIO_new(BIO_s_mem()), BIO_free);
  ASSERT_EQ(PEM_write_bio_X509(pem.get(), cert.get()), 1);
  char* data = nullptr;
  long n = BIO_get_mem_data(pem.get(), &data);
  WriteFile(dir / "cert.pem", std::string(data, static_cast<size_t>(n)));
  std::unique_ptr<BIO, decltype(&BIO_free)> key_pem(BIO_new(BIO_s_mem()), BIO_free);
  ASSERT_EQ(
      PEM_write_bio_PrivateKey(key_pem.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr), 1);
  n = BIO_get_mem_data(key_pem.get(), &data);
  WriteFile(dir / "key.pem", std::string(data, static_cast<size_t>(n)));
}

class JwksEndpoint {
 public:
  enum class Answer { kKeys, kServerError, kGarbage, kHold, kTrickle };

  explicit JwksEndpoint(std::string keys) : keys_(std::move(keys)) {
    WriteLoopbackCertificate(dir_);
    server_ = std::make_unique<httplib::SSLServer>((dir_ / "cert.pem").c_str(),
                                                   (dir_ / "key.pem").c_str());
    server_->Get("/keys", [this](const httplib::Request&, httplib::Response& res) { Serve(res); });
    port_ = server_->bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_->listen_after_bind(); });
    while (!server_->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~JwksEndpoint() {
    {
      std::lock_guard lock(mutex_);
      released_ = true;
    }
    changed_.notify_all();
    server_->stop();
    thread_.join();
  }

  std::string url() const { return "https://127.0.0.1:" + std::to_string(port_) + "/keys"; }
  std::string ca_file() const { return dir_ / "cert.pem"; }

  // How the next GETs are answered; `keys` replaces the set when not empty.
  void Set(Answer answer, std::string keys = "") {
    std::lock_guard lock(mutex_);
    answer_ = answer;
    released_ = false;
    if (!keys.empty()) keys_ = std::move(keys);
  }
  // Lets held and trickling answers end (held ones then send the key set).
  void Release() {
    {
      std::lock_guard lock(mutex_);
      released_ = true;
    }
    changed_.notify_all();
  }
  int requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  // Whether a GET is being held or trickled to right now (it has not been released).
  bool busy() const {
    std::lock_guard lock(mutex_);
    return busy_ > 0;
  }
  // Blocks until `n` GETs have arrived and the last of them is being held or trickled to.
  void WaitUntilBusy(int n) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return requests_ >= n && busy_ > 0; });
  }
  // The same, giving up after `limit`: whether it got there.
  bool WaitUntilBusyFor(int n, std::chrono::milliseconds limit) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, limit, [&] { return requests_ >= n && busy_ > 0; });
  }

 private:
  void Serve(httplib::Response& res) {
    std::unique_lock lock(mutex_);
    ++requests_;
    switch (answer_) {
      case Answer::kKeys:
        res.set_content(keys_, "application/json");
        return;
      case Answer::kServerError:
        res.status = 500;
        res.set_content("upstream trouble", "text/plain");
        return;
      case Answer::kGarbage:
        res.set_content("<html>not a key set</html>", "application/json");
        return;
      case Answer::kHold:
        ++busy_;
        changed_.notify_all();
        changed_.wait(lock, [&] { return released_; });
        --busy_;
        res.set_content(keys_, "application/json");
        return;
      case Answer::kTrickle:
        ++busy_;
        changed_.notify_all();
        res.set_chunked_content_provider(
            "application/json",
            [this](size_t, httplib::DataSink& sink) {
              std::unique_lock lock(mutex_);
              if (changed_.wait_for(lock, std::chrono::milliseconds(20),
                                    [&] { return released_; })) {
                sink.done();
                return true;
              }
              lock.unlock();
              return sink.write(" ", 1);
            },
            [this](bool) {
              std::lock_guard lock(mutex_);
              --busy_;
            });
        return;
    }
  }

  TempDir dir_;
  std::unique_ptr<httplib::SSLServer> server_;
  std::thread thread_;
  int port_ = 0;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::string keys_;
  Answer answer_ = Answer::kKeys;
  bool released_ = false;
  int requests_ = 0;
  int busy_ = 0;
};

}  // namespace rapport::testing
