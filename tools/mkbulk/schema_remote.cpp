// Fetching describe.json for --schema remote: one token request (form POST, the secret in
// the body, never the URL) and one GET with the bearer token.
#include "schema_remote.h"

#include <simdjson.h>

#include "mkbulk/upload/http_client.h"

namespace mkbulk::cli {
namespace {

std::string without_trailing_slash(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

std::string what_failed(const upload::http_response& h) {
  if (h.curl_code != 0) return h.transport_message;
  return "HTTP " + std::to_string(h.status);
}

}  // namespace

bool fetch_remote_schema(const upload::client_options& client, std::string& text,
                         std::string& error) {
  const std::string base = without_trailing_slash(client.base_url);
  if (base.empty()) {
    error = "--schema remote needs the instance's base URL (--base-url or MKBULK_BASE_URL)";
    return false;
  }
  const std::string identity =
      client.identity_url.empty() ? base + "/identity" : without_trailing_slash(client.identity_url);
  upload::http_client http(client.http);
  const upload::http_response t = http.post_form(identity + "/oauth/token",
                                                 {{"grant_type", "client_credentials"},
                                                  {"client_id", client.client_id},
                                                  {"client_secret", client.client_secret}},
                                                 "");
  if (t.curl_code != 0 || t.status != 200) {
    error = "--schema remote: the identity service refused a token (" + what_failed(t) +
            "); check MKBULK_CLIENT_ID and MKBULK_CLIENT_SECRET";
    return false;
  }
  std::string token;
  {
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    std::string_view tok;
    if (parser.parse(t.body).get(doc) || doc["access_token"].get_string().get(tok) ||
        tok.empty()) {
      error = "--schema remote: the identity service's answer holds no access_token";
      return false;
    }
    token = std::string(tok);
  }
  const upload::http_response d = http.get(base + "/rest/v1/leads/describe.json", token);
  if (d.curl_code != 0 || d.status != 200) {
    error = "--schema remote: GET /rest/v1/leads/describe.json failed (" + what_failed(d) + ")";
    return false;
  }
  text = d.body;
  return true;
}

}  // namespace mkbulk::cli
