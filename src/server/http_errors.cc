#include "server/http_errors.h"

namespace rapport::server {

HttpError HttpErrorOf(const Status& status) {
  switch (status.code()) {
    case Status::Code::kInvalidArgument:
      return {400, "bad_request"};
    case Status::Code::kPermissionDenied:
      return {403, "forbidden"};
    case Status::Code::kNotFound:
      return {404, "not_found"};
    case Status::Code::kFailedPrecondition:
      return {409, "conflict"};
    case Status::Code::kResourceExhausted:
      return {409, "budget_exhausted"};  // the privacy budget, not a rate limit (that is 429)
    case Status::Code::kDeadlineExceeded:
      return {503, "timeout"};
    case Status::Code::kOk:
    case Status::Code::kCorruption:
    case Status::Code::kIoError:
      break;
  }
  return {500, "internal"};
}

api::Document ErrorDocument(const std::string& code, const std::string& message,
                            const std::string& request_id) {
  return {{"code", code}, {"message", message}, {"request_id", request_id}};
}

}  // namespace rapport::server
