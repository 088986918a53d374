#include "cli/progress.h"

#include <unistd.h>

#include <fmt/core.h>

namespace rapport::cli {

IngestProgress::IngestProgress()
    : enabled_(::isatty(STDERR_FILENO) == 1),
      start_(std::chrono::steady_clock::now()),
      last_(start_) {}

void IngestProgress::Update(const ingest::IngestSummary& s) {
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  if (drawn_ && now - last_ < std::chrono::milliseconds(100)) return;
  last_ = now;
  drawn_ = true;
  double fraction = s.bytes_total ? static_cast<double>(s.bytes_done) / s.bytes_total : 0.0;
  int filled = static_cast<int>(fraction * 30);
  double secs = std::chrono::duration<double>(now - start_).count();
  fmt::print(stderr, "\r[{:=<{}}{: <{}}] {:3.0f}%  files {}/{}  messages {}  ({:.0f}/s)  ", "",
             filled, "", 30 - filled, fraction * 100, s.files_read + s.files_unchanged,
             s.files_total, s.messages_read, secs > 0 ? s.messages_read / secs : 0.0);
}

void IngestProgress::Finish() {
  if (enabled_ && drawn_) fmt::print(stderr, "\r\033[K");
}

}  // namespace rapport::cli
