// Meeting and Microsoft 365 formats, parsing only, one core: iCalendar occurrences/s and Graph
// JSON messages/s over the sample organisation's own exports, and the cost of expanding a daily
// series as its window grows (it must stay linear).
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "ingest/calendar/icalendar.h"
#include "ingest/graph/graph_json.h"
#include "sample/organisation.h"

namespace {

namespace fs = std::filesystem;
using rapport::ingest::ExpansionWindow;

constexpr int64_t k2020 = 1577836800;  // 2020-01-01T00:00:00Z
constexpr int64_t kYear = 365 * 86400;

struct SampleExports {
  std::vector<std::string> calendars;    // calendar/*.ics
  std::vector<std::string> graph_pages;  // graph/messages-page-*.json
};

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The sample organisation of 20,000 messages, written once to a temporary folder.
const SampleExports& Sample() {
  static SampleExports s = [] {
    SampleExports s;
    fs::path dir = fs::temp_directory_path() / "rapport-formats-bench";
    fs::remove_all(dir);
    rapport::sample::OrganisationSpec spec;
    spec.messages = 20000;
    if (!rapport::sample::WriteSampleOrganisation(spec, dir.string()).ok()) return s;
    for (const auto& e : fs::directory_iterator(dir / "calendar")) {
      s.calendars.push_back(Slurp(e.path()));
    }
    for (const auto& e : fs::directory_iterator(dir / "graph")) {
      if (e.path().filename().string().rfind("messages-page", 0) == 0) {
        s.graph_pages.push_back(Slurp(e.path()));
      }
    }
    fs::remove_all(dir);
    return s;
  }();
  return s;
}

void BM_ICalendarSampleCalendars(benchmark::State& state) {
  const auto& s = Sample();
  const ExpansionWindow window{k2020, k2020 + 10 * kYear};
  size_t occurrences = 0, bytes = 0;
  for (auto _ : state) {
    for (const auto& ics : s.calendars) {
      auto r = rapport::ingest::ParseICalendar(ics, window);
      if (r.ok()) occurrences += r->meetings.size();
      bytes += ics.size();
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(occurrences));
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_ICalendarSampleCalendars)->Unit(benchmark::kMillisecond);

void BM_GraphJsonSampleExport(benchmark::State& state) {
  const auto& s = Sample();
  const ExpansionWindow window{k2020, k2020 + 10 * kYear};
  size_t messages = 0, bytes = 0;
  for (auto _ : state) {
    for (const auto& page : s.graph_pages) {
      auto r = rapport::ingest::ParseGraphJson(page, window);
      if (r.ok()) messages += r->messages.size();
      bytes += page.size();
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(messages));
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_GraphJsonSampleExport)->Unit(benchmark::kMillisecond);

// One endless daily series, expanded over 1..10 years: time per run must grow linearly.
void BM_ICalendarDailySeries(benchmark::State& state) {
  const std::string ics =
      "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//EN\r\nBEGIN:VEVENT\r\n"
      "UID:daily@bench.example\r\nDTSTART;TZID=Europe/Berlin:20200101T093000\r\n"
      "DURATION:PT15M\r\nRRULE:FREQ=DAILY\r\nORGANIZER:mailto:a@bench.example\r\n"
      "ATTENDEE;PARTSTAT=ACCEPTED:mailto:b@bench.example\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
  const ExpansionWindow window{k2020, k2020 + state.range(0) * kYear};
  size_t occurrences = 0;
  for (auto _ : state) {
    auto r = rapport::ingest::ParseICalendar(ics, window);
    if (r.ok()) occurrences += r->meetings.size();
  }
  state.SetItemsProcessed(static_cast<int64_t>(occurrences));
  state.SetComplexityN(state.range(0) * 365);
}
BENCHMARK(BM_ICalendarDailySeries)
    ->Arg(1)
    ->Arg(2)
    ->Arg(5)
    ->Arg(10)
    ->Unit(benchmark::kMillisecond)
    ->Complexity(benchmark::oN);

}  // namespace

BENCHMARK_MAIN();
