// marketo_client: URLs, the token cache, the envelope ({success, errors, result}) parsed with
// simdjson ondemand, and the 601/602 renew-and-repeat. Messages never carry the token or the
// client secret.
#include "mkbulk/upload/marketo_client.h"

#include <simdjson.h>

#include <algorithm>

namespace mkbulk::upload {

std::string_view to_string(endpoint e) noexcept {
  switch (e) {
    case endpoint::token: return "token";
    case endpoint::create: return "create";
    case endpoint::status: return "status";
    case endpoint::failures: return "failures";
    case endpoint::warnings: return "warnings";
  }
  return "token";
}

namespace {

std::string trim_slash(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

// The envelope's first error, if any. Returns false when the body is not a JSON object.
bool parse_envelope(const std::string& body, std::string& code, std::string& message) {
  simdjson::ondemand::parser parser;
  simdjson::padded_string padded(body);
  simdjson::ondemand::document doc;
  if (parser.iterate(padded).get(doc) != simdjson::SUCCESS) return false;
  simdjson::ondemand::object obj;
  if (doc.get_object().get(obj) != simdjson::SUCCESS) return false;
  simdjson::ondemand::array errors;
  if (obj.find_field_unordered("errors").get_array().get(errors) == simdjson::SUCCESS) {
    for (auto e : errors) {
      simdjson::ondemand::object eo;
      if (e.get_object().get(eo) != simdjson::SUCCESS) return false;
      std::string_view c;
      std::string_view m;
      simdjson::ondemand::value cv;
      if (eo.find_field_unordered("code").get(cv) == simdjson::SUCCESS) {
        simdjson::ondemand::json_type t;
        if (cv.type().get(t) == simdjson::SUCCESS) {
          if (t == simdjson::ondemand::json_type::string) {
            if (cv.get_string().get(c) == simdjson::SUCCESS) code = std::string(c);
          } else if (t == simdjson::ondemand::json_type::number) {
            std::int64_t n = 0;
            if (cv.get_int64().get(n) == simdjson::SUCCESS) code = std::to_string(n);
          }
        }
      }
      if (eo.find_field_unordered("message").get_string().get(m) == simdjson::SUCCESS) {
        message = std::string(m);
      }
      break;
    }
  }
  return true;
}

std::uint64_t get_u64(simdjson::ondemand::object& o, std::string_view key) {
  std::uint64_t v = 0;
  simdjson::ondemand::value val;
  if (o.find_field_unordered(key).get(val) != simdjson::SUCCESS) return 0;
  simdjson::ondemand::json_type t;
  if (val.type().get(t) != simdjson::SUCCESS) return 0;
  if (t == simdjson::ondemand::json_type::number) {
    if (val.get_uint64().get(v) != simdjson::SUCCESS) return 0;
    return v;
  }
  std::string_view s;
  if (t == simdjson::ondemand::json_type::string &&
      val.get_string().get(s) == simdjson::SUCCESS) {
    for (char ch : s) {
      if (ch < '0' || ch > '9') return 0;
      v = v * 10 + static_cast<std::uint64_t>(ch - '0');
    }
  }
  return v;
}

std::string get_str(simdjson::ondemand::object& o, std::string_view key) {
  std::string_view s;
  if (o.find_field_unordered(key).get_string().get(s) == simdjson::SUCCESS) return std::string(s);
  return {};
}

// The first element of "result", as an object; false when there is none.
bool first_result(simdjson::ondemand::parser& parser, simdjson::padded_string& padded,
                  simdjson::ondemand::document& doc, simdjson::ondemand::object& out) {
  if (parser.iterate(padded).get(doc) != simdjson::SUCCESS) return false;
  simdjson::ondemand::array arr;
  if (doc.find_field_unordered("result").get_array().get(arr) != simdjson::SUCCESS) return false;
  for (auto e : arr) {
    return e.get_object().get(out) == simdjson::SUCCESS;
  }
  return false;
}

}  // namespace

marketo_client::marketo_client(client_options options)
    : options_(std::move(options)),
      http_(options_.http),
      limiter_(options_.max_calls_per_window, options_.window, options_.max_concurrent) {
  options_.base_url = trim_slash(options_.base_url);
  options_.identity_url = options_.identity_url.empty() ? options_.base_url + "/identity"
                                                        : trim_slash(options_.identity_url);
}

marketo_client::~marketo_client() {
  token_.assign(token_.size(), '\0');
  options_.client_secret.assign(options_.client_secret.size(), '\0');
}

api_result marketo_client::fetch_token() {
  api_result r;
  ++calls_[static_cast<std::size_t>(endpoint::token)];
  // A form POST keeps the secret out of the URL (and so out of proxies' and servers' logs).
  const http_response h = http_.post_form(options_.identity_url + "/oauth/token",
                                          {{"grant_type", "client_credentials"},
                                           {"client_id", options_.client_id},
                                           {"client_secret", options_.client_secret}},
                                          "");
  r.curl_code = h.curl_code;
  r.http_status = h.status;
  r.message = h.transport_message;
  std::string code;
  std::string message;
  const bool ok = h.curl_code == 0 && parse_envelope(h.body, code, message);
  r.error_code = code;
  if (!message.empty()) r.message = message;
  r.verdict = classify({h.curl_code, h.status, code, ok});
  if (r.verdict == call_verdict::fatal && (h.status == 400 || h.status == 403 || code == "603")) {
    r.verdict = call_verdict::auth_failed;
  }
  if (r.verdict == call_verdict::refresh_token) r.verdict = call_verdict::auth_failed;
  if (r.verdict != call_verdict::success) {
    if (r.message.empty()) r.message = "identity service answered HTTP " + std::to_string(h.status);
    return r;
  }
  simdjson::ondemand::parser parser;
  simdjson::padded_string padded(h.body);
  simdjson::ondemand::document doc;
  simdjson::ondemand::object obj;
  std::string_view tok;
  std::uint64_t ttl = 0;
  if (parser.iterate(padded).get(doc) != simdjson::SUCCESS ||
      doc.get_object().get(obj) != simdjson::SUCCESS ||
      obj.find_field_unordered("access_token").get_string().get(tok) != simdjson::SUCCESS) {
    r.verdict = call_verdict::transient;
    r.message = "identity service answered without an access_token";
    return r;
  }
  token_.assign(tok);
  ttl = get_u64(obj, "expires_in");
  // Renew a little before expiry: a fifth of the life, at most a minute. Asking early returns
  // the same token with its remaining life, so the margin shrinks and this converges.
  const auto life = std::chrono::milliseconds(ttl * 1000);
  const auto margin = std::min<std::chrono::milliseconds>(std::chrono::seconds(60), life / 5);
  token_renew_at_ = std::chrono::steady_clock::now() + life - margin;
  return r;
}

api_result marketo_client::ensure_token() {
  if (!token_.empty() && std::chrono::steady_clock::now() < token_renew_at_) return {};
  token_.clear();
  return fetch_token();
}

template <class Perform>
api_result marketo_client::call(endpoint e, Perform&& perform, std::string& body) {
  api_result r;
  for (int attempt = 0; attempt < 3; ++attempt) {
    r = ensure_token();
    if (r.verdict != call_verdict::success) return r;
    http_response h;
    {
      limiter_slot slot(limiter_);
      ++calls_[static_cast<std::size_t>(e)];
      h = perform(token_);
    }
    r = api_result{};
    r.curl_code = h.curl_code;
    r.http_status = h.status;
    r.message = h.transport_message;
    const bool is_file = e == endpoint::failures || e == endpoint::warnings;
    if (is_file && h.curl_code == 0 && h.status == 404) {
      body.clear();  // 404: no such file, i.e. no rows
      return r;
    }
    std::string code;
    std::string message;
    bool ok = true;
    if (h.curl_code == 0 && h.status >= 200 && h.status < 300) {
      // A file endpoint answers the file itself; only a JSON object there is an envelope.
      const bool looks_json = !h.body.empty() && h.body.front() == '{';
      if (!is_file || looks_json) ok = parse_envelope(h.body, code, message);
      if (is_file && looks_json && code.empty()) ok = true;
    }
    r.error_code = code;
    if (!message.empty()) r.message = message;
    r.verdict = classify({h.curl_code, h.status, code, ok});
    if (r.verdict == call_verdict::success) {
      body = std::move(h.body);
      return r;
    }
    if (r.verdict != call_verdict::refresh_token) {
      if (r.message.empty()) r.message = "HTTP " + std::to_string(h.status);
      return r;
    }
    token_.clear();  // 601/602: renew and repeat the call at once
  }
  return r;
}

api_result marketo_client::create_job(const std::filesystem::path& file, const job_params& p,
                                      std::uint64_t& batch_id) {
  std::vector<form_part> parts;
  parts.push_back({"format", p.format, {}});
  if (!p.lookup_field.empty()) parts.push_back({"lookupField", p.lookup_field, {}});
  if (!p.list_id.empty()) parts.push_back({"listId", p.list_id, {}});
  if (!p.partition.empty()) parts.push_back({"partitionName", p.partition, {}});
  parts.push_back({"file", file.filename().string(), file});
  const std::string url = options_.base_url + "/bulk/v1/leads.json";
  std::string body;
  api_result r = call(
      endpoint::create,
      [&](const std::string& tok) { return http_.post_multipart(url, parts, tok); }, body);
  if (r.verdict != call_verdict::success) return r;
  simdjson::ondemand::parser parser;
  simdjson::padded_string padded(body);
  simdjson::ondemand::document doc;
  simdjson::ondemand::object res;
  if (!first_result(parser, padded, doc, res) || (batch_id = get_u64(res, "batchId")) == 0) {
    r.verdict = call_verdict::transient;
    r.message = "create answered without a batchId";
  }
  return r;
}

api_result marketo_client::get_status(std::uint64_t batch_id, job_status& out) {
  const std::string url =
      options_.base_url + "/bulk/v1/leads/batch/" + std::to_string(batch_id) + ".json";
  std::string body;
  api_result r = call(
      endpoint::status, [&](const std::string& tok) { return http_.get(url, tok); }, body);
  if (r.verdict != call_verdict::success) return r;
  simdjson::ondemand::parser parser;
  simdjson::padded_string padded(body);
  simdjson::ondemand::document doc;
  simdjson::ondemand::object res;
  if (!first_result(parser, padded, doc, res)) {
    r.verdict = call_verdict::transient;
    r.message = "status answered without a result";
    return r;
  }
  out = job_status{};
  out.batch_id = batch_id;
  out.status = get_str(res, "status");
  out.processed = get_u64(res, "numOfLeadsProcessed");
  out.failed = get_u64(res, "numOfRowsFailed");
  out.warned = get_u64(res, "numOfRowsWithWarning");
  out.message = get_str(res, "message");
  if (out.status.empty()) {
    r.verdict = call_verdict::transient;
    r.message = "status answered without a status";
  }
  return r;
}

api_result marketo_client::download(std::uint64_t batch_id, bool failures, std::string& body) {
  const std::string url = options_.base_url + "/bulk/v1/leads/batch/" +
                          std::to_string(batch_id) +
                          (failures ? "/failures.json" : "/warnings.json");
  return call(
      failures ? endpoint::failures : endpoint::warnings,
      [&](const std::string& tok) { return http_.get(url, tok); }, body);
}

}  // namespace mkbulk::upload
