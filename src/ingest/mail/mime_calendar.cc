#include "ingest/mail/mime_calendar.h"

#include <gmime/gmime.h>

#include <memory>
#include <mutex>

namespace rapport::ingest {
namespace {

struct GObjectUnref {
  void operator()(gpointer p) const {
    if (p) g_object_unref(p);
  }
};
template <typename T>
using GPtr = std::unique_ptr<T, GObjectUnref>;

constexpr size_t kMaxCalendarParts = 16;       // a hostile message may nest thousands
constexpr size_t kMaxCalendarBytes = 4 << 20;  // invitations are a few KiB

void EnsureGMime() {
  static std::once_flag once;
  std::call_once(once, [] { g_mime_init(); });
}

struct Collected {
  std::vector<std::string> parts;
};

void CollectPart(GMimeObject* /*parent*/, GMimeObject* part, gpointer data) {
  auto* out = static_cast<Collected*>(data);
  if (out->parts.size() >= kMaxCalendarParts || !GMIME_IS_PART(part)) return;
  GMimeContentType* type = g_mime_object_get_content_type(part);
  if (!type || !g_mime_content_type_is_type(type, "text", "calendar")) return;
  GMimeDataWrapper* content = g_mime_part_get_content(GMIME_PART(part));
  if (!content) return;
  GPtr<GMimeStream> stream(g_mime_stream_mem_new());
  // Writing the wrapper to a stream undoes the transfer encoding (base64, quoted-printable).
  if (g_mime_data_wrapper_write_to_stream(content, stream.get()) < 0) return;
  GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(stream.get()));
  if (!bytes || bytes->len > kMaxCalendarBytes) return;
  out->parts.emplace_back(reinterpret_cast<const char*>(bytes->data), bytes->len);
}

}  // namespace

bool MayCarryCalendar(std::string_view raw) {
  // Every message passes through here, so the scan leans on string_view::find (memchr-fast)
  // for the tail of the word and checks the rest case-insensitively only around a hit.
  static constexpr std::string_view kNeedle = "text/calendar";
  for (std::string_view tail : {"alendar", "ALENDAR"}) {
    for (size_t pos = raw.find(tail); pos != std::string_view::npos;
         pos = raw.find(tail, pos + 1)) {
      if (pos < 6) continue;
      std::string_view candidate = raw.substr(pos - 6, kNeedle.size());
      bool match = candidate.size() == kNeedle.size();
      for (size_t i = 0; match && i < kNeedle.size(); ++i) {
        match = (candidate[i] | 0x20) == kNeedle[i];
      }
      if (match) return true;
    }
  }
  return false;
}

std::vector<std::string> ExtractCalendarParts(std::string_view raw) {
  EnsureGMime();
  Collected collected;
  GPtr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(raw.data(), raw.size()));
  GPtr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
  GPtr<GMimeMessage> message(g_mime_parser_construct_message(parser.get(), nullptr));
  if (!message) return {};
  g_mime_message_foreach(message.get(), CollectPart, &collected);
  // A message that is itself text/calendar (no multipart) is its own mime part.
  GMimeObject* body = g_mime_message_get_mime_part(message.get());
  if (collected.parts.empty() && body) CollectPart(nullptr, body, &collected);
  return collected.parts;
}

}  // namespace rapport::ingest
