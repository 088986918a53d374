#include "server/https_call.h"

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

std::pair<time_t, time_t> Timeval(std::chrono::milliseconds d) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(d).count();
  return {us / 1'000'000, us % 1'000'000};
}

// True when a Content-Length announces more than `max` bytes.
bool AnnouncesTooMuch(const httplib::Response& head, size_t max) {
  const std::string length = head.get_header_value("Content-Length");
  uint64_t announced = 0;
  const auto [end, error] =
      std::from_chars(length.data(), length.data() + length.size(), announced);
  return error == std::errc::result_out_of_range ||
         (error == std::errc() && end == length.data() + length.size() && announced > max);
}

}  // namespace

Result<HttpsAnswer> HttpsCall(const HttpsRequest& request, const std::string& what,
                              const HttpsLimits& limits, std::stop_token stop) {
  const std::string scheme = "https://";
  const std::string& url = request.url;
  if (url.rfind(scheme, 0) != 0) {
    return Status::InvalidArgument(what + " must be an https:// URL, not " + url);
  }
  const size_t slash = url.find('/', scheme.size());
  const std::string origin = url.substr(0, slash);

  // Connecting and the TLS handshake each get half the time (httplib does both under a lock that
  // the watchdog below has to wait for); the watchdog cuts whatever is left at the deadline.
  httplib::Client client(origin);
  const auto [half_s, half_us] = Timeval(limits.timeout / 2);
  const auto [all_s, all_us] = Timeval(limits.timeout);
  client.set_connection_timeout(half_s, half_us);
  client.set_read_timeout(all_s, all_us);
  client.set_write_timeout(all_s, all_us);
  if (!limits.ca_file.empty()) client.set_ca_cert_path(limits.ca_file.c_str());

  // The watchdog: at the deadline, or when asked to stop, it shuts the client's socket (the one
  // thing httplib lets another thread do), and again until the call has returned, since a stop
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

  HttpsAnswer answer;
  bool too_big = false;
  httplib::Request req;
  req.method = request.method;
  req.path = slash == std::string::npos ? "/" : url.substr(slash);
  req.headers.emplace("Accept", "application/json");
  for (const auto& [name, value] : request.headers) req.headers.emplace(name, value);
  if (request.method == "POST") {
    req.body = request.body;
    req.headers.emplace("Content-Type", request.content_type);
  }
  req.response_handler = [&](const httplib::Response& head) {
    answer.status = head.status;
    too_big = AnnouncesTooMuch(head, limits.max_bytes);  // refused before a byte is read
    return !too_big;
  };
  req.content_receiver = [&](const char* data, size_t size, uint64_t, uint64_t) {
    if (answer.body.size() + size > limits.max_bytes) {
      too_big = true;
      return false;
    }
    answer.body.append(data, size);
    return true;
  };
  httplib::Response res;
  httplib::Error error = httplib::Error::Success;
  const bool sent = client.send(req, res, error);
  {
    std::lock_guard lock(mutex);
    done = true;
  }
  wake.notify_all();
  watchdog.join();

  const std::string where = what + " " + url;
  if (too_big) {
    return Status::IoError(where + " answered more than " + std::to_string(limits.max_bytes) +
                           " bytes");
  }
  if (sent && answer.status != 0) return answer;
  if (cut && stop.stop_requested()) return Status::IoError("fetching " + url + " was stopped");
  if (cut) return Status::IoError(where + " did not answer within " + Seconds(limits.timeout));
  return Status::IoError("cannot reach " + where + ": " + httplib::to_string(error));
}

}  // namespace rapport::server
