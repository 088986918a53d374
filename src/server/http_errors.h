// How a Status becomes an HTTP error: the status code that means it and a stable error code.
#pragma once

#include <string>

#include "rapport/api/insight_documents.h"
#include "rapport/status.h"

namespace rapport::server {

struct HttpError {
  int status = 500;
  std::string code;  // stable: bad_request, unauthorized, forbidden, not_found, ...
};

HttpError HttpErrorOf(const Status& status);
// The body of every error: {"code", "message", "request_id"}.
api::Document ErrorDocument(const std::string& code, const std::string& message,
                            const std::string& request_id);

}  // namespace rapport::server
