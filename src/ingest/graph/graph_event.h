// Graph event resources -> meeting occurrences; internal to the Graph JSON parser.
//
// Contract: see graph_json.h ("event"). Occurrence and exception items of a series whose master
// is in the same document take the master's uid (Graph gives each instance its own iCalUId) and
// replace the occurrence the master's recurrence produced for the same original start.
#pragma once

#include <string>
#include <vector>

#include "ingest/graph/graph_json.h"
#include "ingest/graph/graph_recurrence.h"
#include "ingest/graph/graph_time.h"
#include "ingest/graph_fields.h"

namespace rapport::ingest::graph {

class GraphEventParser {
 public:
  GraphEventParser(const ExpansionWindow& window, GraphJsonResult& out)
      : window_(window), out_(out) {}

  // Appends the occurrences of one event item to out.events, or a reason to out.rejected.
  void Add(const json& item);

  // Applies the series rules above once every item has been added.
  void Finish();

 private:
  struct Origin {
    std::string series_master_id;  // occurrence/exception items
    bool expanded = false;         // produced by a seriesMaster's recurrence
  };
  void Reject(std::string_view reason) { out_.rejected.emplace_back(reason); }
  void Push(std::string graph_id, model::MeetingMeta meta, Origin origin);
  void Expand(const std::string& id, const model::MeetingMeta& master, GraphZone zone,
              const GraphRecurrence& r);

  ExpansionWindow window_;
  GraphJsonResult& out_;
  std::vector<Origin> origins_;  // parallel to out_.events
};

}  // namespace rapport::ingest::graph
