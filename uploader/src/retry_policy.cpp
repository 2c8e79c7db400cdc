// retry_policy: the mapping from (curl code, HTTP status, Marketo code) to a verdict, kept in
// one table-like function so that every call site agrees on what is worth repeating.
#include "mkbulk/upload/retry_policy.h"

#include <curl/curl.h>

namespace mkbulk::upload {

std::string_view to_string(call_verdict v) noexcept {
  switch (v) {
    case call_verdict::success: return "success";
    case call_verdict::refresh_token: return "refresh_token";
    case call_verdict::rate_limited: return "rate_limited";
    case call_verdict::transient: return "transient";
    case call_verdict::queue_full: return "queue_full";
    case call_verdict::quota_exhausted: return "quota_exhausted";
    case call_verdict::auth_failed: return "auth_failed";
    case call_verdict::config_error: return "config_error";
    case call_verdict::io_error: return "io_error";
    case call_verdict::fatal: return "fatal";
  }
  return "fatal";
}

namespace {

call_verdict classify_transport(int code) noexcept {
  switch (static_cast<CURLcode>(code)) {
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_NOT_BUILT_IN:
    case CURLE_FAILED_INIT:  // e.g. libcurl.so.4 could not be loaded (curl_library.h)
      return call_verdict::config_error;
    case CURLE_READ_ERROR:
    case CURLE_FILE_COULDNT_READ_FILE:
      return call_verdict::io_error;
    default:
      // Timeouts, refused or reset connections, empty replies, partial bodies, DNS hiccups.
      return call_verdict::transient;
  }
}

call_verdict classify_marketo(std::string_view c) noexcept {
  if (c == "601" || c == "602") return call_verdict::refresh_token;
  if (c == "606" || c == "615") return call_verdict::rate_limited;
  if (c == "604" || c == "608" || c == "611" || c == "614" || c == "713" || c == "719") {
    return call_verdict::transient;
  }
  if (c == "1016" || c == "1019") return call_verdict::queue_full;
  if (c == "607") return call_verdict::quota_exhausted;
  // 603, 609, 610, 612, 613, 1003, 1006, 1008-1010 and anything unknown: not worth repeating.
  return call_verdict::fatal;
}

}  // namespace

call_verdict classify(const call_outcome& o) noexcept {
  if (o.curl_code != 0) return classify_transport(o.curl_code);
  if (o.http_status == 401) return call_verdict::auth_failed;
  if (o.http_status == 429) return call_verdict::rate_limited;
  if (o.http_status >= 500) return call_verdict::transient;
  if (o.http_status < 200 || o.http_status >= 300) return call_verdict::fatal;
  if (!o.error_code.empty()) return classify_marketo(o.error_code);
  // HTTP 200 with a body that is not Marketo's envelope: a proxy page or a cut answer.
  if (!o.body_ok) return call_verdict::transient;
  return call_verdict::success;
}

}  // namespace mkbulk::upload
