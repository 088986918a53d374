#include "server/jwks_fetch.h"

#include <httplib.h>

#include <charconv>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

namespace rapport::server {
namespace {

constexpr std::chrono::milliseconds kStopRetry{20};

std::string Seconds(std::chrono::milliseconds d) {
  const auto ms = d.count();
  return ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms";
}

}  // namespace

Result<std::string> FetchJwks(const std::string& url, const JwksFetchLimits& limits,
                              std::stop_token stop) {
  const std::string scheme = "https://";
  if (url.rfind(scheme, 0) != 0) {
    return Status::InvalidArgument("--entra-jwks wants a file or an https:// URL, not " + url);
  }
  const size_t slash = url.find('/', scheme.size());
  const std::string origin = url.substr(0, slash);
  const std::string path = slash == std::string::npos ? "/" : url.substr(slash);

  // Connecting and the TLS handshake each get half the time (httplib does both under a lock that
  // the watchdog below has to wait for); the watchdog cuts whatever is left at the deadline.
  using std::chrono::duration_cast;
  using std::chrono::microseconds;
  const auto usec = [](std::chrono::milliseconds d) {
    const auto us = duration_cast<microseconds>(d).count();
    return std::pair<time_t, time_t>(us / 1'000'000, us % 1'000'000);
  };
  httplib::Client client(origin);
  const auto [half_s, half_us] = usec(limits.timeout / 2);
  const auto [all_s, all_us] = usec(limits.timeout);
  client.set_connection_timeout(half_s, half_us);
  client.set_read_timeout(all_s, all_us);
  client.set_write_timeout(all_s, all_us);
  if (!limits.ca_file.empty()) client.set_ca_cert_path(limits.ca_file.c_str());

  // The watchdog: at the deadline, or when asked to stop, it shuts the client's socket (the one
  // thing httplib lets another thread do), and again until the GET has returned, since a stop
  // that comes before the socket exists does nothing.
  std::mutex mutex;
  std::condition_variable_any wake;
  bool done = false, cut = false;
  std::thread watchdog([&] {
    std::unique_lock lock(mutex);
    const auto deadline = std::chrono::steady_clock::now() + limits.timeout;
    if (wake.wait_until(lock, stop, deadline, [&] { return done; })) return;
    cut = true;
    while (!done) {
      lock.unlock();
      client.stop();
      lock.lock();
      wake.wait_for(lock, kStopRetry, [&] { return done; });
    }
  });

  int status = 0;
  bool too_big = false;
  std::string body;
  auto response = client.Get(
      path.c_str(), httplib::Headers{{"Accept", "application/json"}},
      [&](const httplib::Response& head) {
        status = head.status;
        const std::string length = head.get_header_value("Content-Length");
        uint64_t announced = 0;
        const auto [end, error] =
            std::from_chars(length.data(), length.data() + length.size(), announced);
        if (error == std::errc::result_out_of_range ||
            (error == std::errc() && end == length.data() + length.size() &&
             announced > limits.max_bytes)) {
          too_big = true;  // refused before a byte of the body is read
        }
        return status == 200 && !too_big;
      },
      [&](const char* data, size_t size) {
        if (body.size() + size > limits.max_bytes) {
          too_big = true;
          return false;
        }
        body.append(data, size);
        return true;
      });
  {
    std::lock_guard lock(mutex);
    done = true;
  }
  wake.notify_all();
  watchdog.join();

  if (response && status == 200 && !too_big) return body;
  const std::string where = "the JWKS endpoint " + url;
  if (too_big) {
    return Status::IoError(where + " answered more than " + std::to_string(limits.max_bytes) +
                           " bytes (is --entra-jwks the tenant's keys URL?)");
  }
  if (status != 0 && status != 200) {
    return Status::IoError(where + " answered HTTP " + std::to_string(status));
  }
  if (cut && stop.stop_requested()) return Status::IoError("fetching " + url + " was stopped");
  if (cut) return Status::IoError(where + " did not answer within " + Seconds(limits.timeout));
  return Status::IoError("cannot fetch the JWKS from " + url + ": " +
                         httplib::to_string(response.error()));
}

}  // namespace rapport::server
