// Header parsing throughput on one core over the real Enron mbox files of ../shared (or a
// synthetic set when ../shared is absent): messages/s and bytes/s of whole messages scanned.
#include <benchmark/benchmark.h>
#include <gmime/gmime.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "ingest/mail/mbox_reader.h"
#include "ingest/mail/message_parser.h"

namespace {

struct Corpus {
  std::vector<std::string> files;  // whole mbox files
  std::vector<std::string_view> messages;
  size_t bytes = 0;
};

const Corpus& Enron() {
  static Corpus c = [] {
    Corpus c;
    std::string dir = std::string(RAPPORT_SHARED_DIR) +
                      "/corpus/jpvance123_Amdocs_ML_Email_Analytics/MailDir_to_MBOX/enron";
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
      std::ifstream in(e.path(), std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      c.files.push_back(ss.str());
    }
    if (c.files.empty()) {  // no ../shared: a synthetic stand-in so the benchmark still runs
      std::string mbox;
      for (int i = 0; i < 20000; ++i) {
        mbox += "From x Mon Jan  1 00:00:00 2001\nMessage-ID: <" + std::to_string(i) +
                "@x>\nDate: Mon, 1 Jan 2001 10:00:00 -0800 (PST)\nFrom: a@enron.com\n"
                "To: b@enron.com, c@example.com\nSubject: hello\n\nbody\n\n";
      }
      c.files.push_back(mbox);
    }
    for (const auto& f : c.files) {
      rapport::ingest::MboxReader reader(f);
      std::string_view m;
      size_t off;
      while (reader.Next(m, off)) c.messages.push_back(m);
      c.bytes += f.size();
    }
    return c;
  }();
  return c;
}

void BM_ParseHeaders(benchmark::State& state) {
  const Corpus& c = Enron();
  for (auto _ : state) {
    for (auto m : c.messages) benchmark::DoNotOptimize(rapport::ingest::ParseMessage(m));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * c.messages.size()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * c.bytes));
}
BENCHMARK(BM_ParseHeaders)->Unit(benchmark::kMillisecond);

void BM_SplitMbox(benchmark::State& state) {
  const Corpus& c = Enron();
  for (auto _ : state) {
    size_t n = 0;
    for (const auto& f : c.files) {
      rapport::ingest::MboxReader reader(f);
      std::string_view m;
      size_t off;
      while (reader.Next(m, off)) ++n;
    }
    benchmark::DoNotOptimize(n);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * c.messages.size()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * c.bytes));
}
BENCHMARK(BM_SplitMbox)->Unit(benchmark::kMillisecond);

// The same messages through GMime 3 (what mu and notmuch use), reading the same fields: the
// baseline for rapport's own parser.
void BM_GMimeParse(benchmark::State& state) {
  const Corpus& c = Enron();
  g_mime_init();
  for (auto _ : state) {
    for (auto m : c.messages) {
      GMimeStream* stream = g_mime_stream_mem_new_with_buffer(m.data(), m.size());
      GMimeParser* parser = g_mime_parser_new_with_stream(stream);
      GMimeMessage* msg = g_mime_parser_construct_message(parser, nullptr);
      if (msg) {
        benchmark::DoNotOptimize(g_mime_message_get_from(msg));
        benchmark::DoNotOptimize(g_mime_message_get_all_recipients(msg));
        benchmark::DoNotOptimize(g_mime_message_get_date(msg));
        benchmark::DoNotOptimize(g_mime_message_get_message_id(msg));
        g_object_unref(msg);
      }
      g_object_unref(parser);
      g_object_unref(stream);
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * c.messages.size()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * c.bytes));
}
BENCHMARK(BM_GMimeParse)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
