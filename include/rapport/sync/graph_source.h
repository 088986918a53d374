// The settings of a Microsoft Graph source (rapport connect graph), kept in the store as JSON:
// an Entra ID app registration that reads mailboxes app-only, as a daemon does.
//
// Contract: a secret is never part of the settings, only the path of the file holding it (the
// client secret, or the certificate's private key); it is read when a sync starts.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "rapport/status.h"

namespace rapport::sync {

struct GraphSource {
  std::string tenant;     // the Entra tenant id (or a verified domain)
  std::string client_id;  // the app registration's application (client) id
  std::string client_secret_file;
  std::string certificate_file;  // PEM certificate registered with the app, and its key
  std::string private_key_file;
  std::string users = "all";  // "all", "a@x,b@x" or "group:GROUP_ID"
  std::string authority = "https://login.microsoftonline.com";
  std::string graph_url = "https://graph.microsoft.com";
  // Meetings are read from calendarView delta over [today - back, today + ahead]; both 0: not
  // at all (an app without Calendars.ReadBasic).
  int meetings_back_days = 365;
  int meetings_ahead_days = 730;
  bool directory = true;  // keep the directory in step (users and groups delta)
  bool ReadsMeetings() const { return meetings_back_days + meetings_ahead_days > 0; }

  std::string TokenEndpoint() const { return authority + "/" + tenant + "/oauth2/v2.0/token"; }
};

// Checks a whole setting for `connect`: URLs (https, or http on a loopback host), exactly one
// credential, files present and readable.
Status CheckGraphSource(const GraphSource& source);

std::string GraphSourceJson(const GraphSource& source);
Result<GraphSource> GraphSourceFromJson(std::string_view json);

}  // namespace rapport::sync
