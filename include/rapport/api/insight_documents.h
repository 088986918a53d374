// Each insight's answer as the JSON document that both `--json` and the HTTP API return, so that
// the two interfaces can never drift apart. Pure functions of the answer: no store, no policy.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "rapport/insights/engagement.h"
#include "rapport/insights/personal.h"
#include "rapport/insights/relationship.h"
#include "rapport/insights/who_knows_whom.h"

namespace rapport::api {

using Document = nlohmann::ordered_json;

Document WhoKnowsWhomDocument(const insights::WhoKnowsWhomAnswer& answer);
Document RelationshipDocument(const insights::RelationshipAnswer& answer);
Document PersonalDocument(const insights::PersonalAnswer& answer);

// {"privacy": the release's parameters and budget, "rows": one object per Office Enrichment row}.
Document EngagementDocument(const insights::EngagementRelease& release);
// What a release would cost (POST /v1/engagement?preview=true, enrichment --dry-run).
Document EngagementPreviewDocument(const insights::EngagementPreview& preview);
// One Office Enrichment row, with the anchor's column names.
Document EngagementRowDocument(const insights::EngagementRow& row, insights::PeriodLevel level);
// The Office Enrichment CSV (RFC 4180, CRLF line ends, header first).
std::string EngagementCsv(const insights::EngagementRelease& release);

// "contact", "account" or "domain".
std::string TargetKindName(insights::Target::Kind kind);

}  // namespace rapport::api
