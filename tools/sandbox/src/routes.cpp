// The endpoints of the contract (token, create, status, failures, warnings, describe, read
// back) and /sandbox/stats. Each API handler runs inside wrap(), so it only validates its
// request and answers.
#include <charconv>
#include <map>
#include <optional>

#include <httplib.h>
#include <simdjson.h>

#include "mkbulk/sandbox/importer.h"
#include "mkbulk/sandbox/json_writer.h"
#include "mkbulk/sandbox/server.h"

namespace mkbulk::sandbox {
namespace {

// A parameter from the query string / url-encoded form, or else from a multipart text part.
std::optional<std::string> param(const httplib::Request& req, const std::string& name) {
  if (req.has_param(name)) return req.get_param_value(name);
  const auto it = req.files.find(name);
  if (it != req.files.end() && it->second.filename.empty()) return it->second.content;
  return std::nullopt;
}

std::optional<std::int64_t> parse_id(std::string_view s) {
  std::int64_t v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || ptr != s.data() + s.size() || v <= 0) return std::nullopt;
  return v;
}

std::vector<std::string> split_list(std::string_view s) {
  std::vector<std::string> out;
  while (!s.empty()) {
    const auto comma = s.find(',');
    auto item = s.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) out.emplace_back(item);
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  return out;
}

// Deterministic Fisher-Yates (std::shuffle's sequence is not specified across libraries).
void seeded_shuffle(std::vector<std::string>& rows, std::uint64_t seed, std::uint64_t key) {
  for (std::size_t i = rows.size(); i > 1; --i) {
    const double u = seeded_uniform(seed, key * 1'000'003ULL + i, 3);
    const auto j = static_cast<std::size_t>(u * static_cast<double>(i));
    std::swap(rows[i - 1], rows[j < i ? j : i - 1]);
  }
}

}  // namespace

void sandbox_server::setup_routes() {
  auto& s = *http_;
  s.Get("/identity/oauth/token",
        wrap("token", call_class::token, [this](const auto& q, auto& r) { on_token(q, r); }));
  s.Post("/identity/oauth/token",
         wrap("token", call_class::token, [this](const auto& q, auto& r) { on_token(q, r); }));
  s.Post("/bulk/v1/leads.json",
         wrap_upload("create", call_class::api,
                     [this](const httplib::Request& q, httplib::Response& r,
                            const httplib::ContentReader& c) { on_create(q, r, c); }));
  s.Get(R"(/bulk/v1/leads/batch/(\d+)\.json)",
        wrap("status", call_class::api, [this](const auto& q, auto& r) { on_status(q, r); }));
  s.Get(R"(/bulk/v1/leads/batch/(\d+)/failures\.json)",
        wrap("failures", call_class::api,
             [this](const auto& q, auto& r) { on_result_file(q, r, row_kind::failure); }));
  s.Get(R"(/bulk/v1/leads/batch/(\d+)/warnings\.json)",
        wrap("warnings", call_class::api,
             [this](const auto& q, auto& r) { on_result_file(q, r, row_kind::warning); }));
  s.Get("/rest/v1/leads/describe.json",
        wrap("describe", call_class::api, [this](const auto& q, auto& r) { on_describe(q, r); }));
  s.Get("/rest/v1/leads.json",
        wrap("leads", call_class::api, [this](const auto& q, auto& r) { on_read_leads(q, r); }));
  // Marketo's override: a long GET sent as a form POST with _method=GET among its fields.
  // httplib parses url-encoded bodies itself only up to 8 KiB (its compiled-in limit), too
  // little for 300 long filter values: read the body here and parse it with httplib's parser.
  auto read_leads = wrap("leads", call_class::api,
                         [this](const httplib::Request& q, httplib::Response& r) {
                           if (q.get_param_value("_method") != "GET") {
                             answer_error(r, 1003,
                                          "Creating leads by POST is not supported by the "
                                          "sandbox; use the bulk import or _method=GET");
                             return;
                           }
                           on_read_leads(q, r);
                         });
  s.Post("/rest/v1/leads.json",
         [read_leads](const httplib::Request& q, httplib::Response& r,
                      const httplib::ContentReader& content) {
           httplib::Request form = q;
           content([&form](const char* data, std::size_t n) {
             form.body.append(data, n);
             return true;
           });
           if (form.get_header_value("Content-Type").find("application/x-www-form-urlencoded") ==
               0) {
             httplib::detail::parse_query_text(form.body, form.params);
           }
           read_leads(form, r);
         });
  s.Get("/sandbox/stats", [this](const auto& q, auto& r) { on_stats(q, r); });
}

void sandbox_server::on_token(const httplib::Request& req, httplib::Response& res) {
  if (req.get_param_value("grant_type") != "client_credentials") {
    count_error(401);
    res.status = 401;
    res.set_content(R"({"error":"unsupported_grant_type","error_description":"grant_type must be client_credentials"})",
                    "application/json");
    return;
  }
  const auto grant = tokens_.issue(req.get_param_value("client_id"),
                                   req.get_param_value("client_secret"),
                                   std::chrono::steady_clock::now());
  if (!grant) {
    count_error(401);
    res.status = 401;
    res.set_content(R"({"error":"unauthorized","error_description":"Bad client credentials"})",
                    "application/json");
    return;
  }
  std::string out = "{\"access_token\":";
  append_json_string(out, grant->access_token);
  out += ",\"token_type\":\"bearer\",\"expires_in\":" + std::to_string(grant->expires_in) +
         ",\"scope\":\"mkbulk-sandbox@sandbox.local\"}";
  res.set_content(out, "application/json");
}

void sandbox_server::on_create(const httplib::Request& req, httplib::Response& res,
                               const httplib::ContentReader& content) {
  // The upload is streamed into our own strings: httplib's own path would hold the body twice.
  if (!req.is_multipart_form_data()) {
    std::string body;
    content([&body](const char* d, std::size_t n) {
      body.append(d, n);
      return true;
    });
    if (req.get_header_value("Content-Type").find("json") != std::string::npos) {
      simdjson::dom::parser parser;
      simdjson::dom::element ignored;
      if (parser.parse(body).get(ignored) != simdjson::SUCCESS) {
        answer_error(res, 609);
        return;
      }
    }
    answer_error(res, 612, "Invalid Content Type: the bulk import needs multipart/form-data");
    return;
  }
  std::string file;
  bool has_file = false;
  std::map<std::string, std::string> fields;
  std::string* target = nullptr;
  if (const auto length = req.get_header_value<std::uint64_t>("Content-Length"); length <= MAX_BODY_BYTES) {
    file.reserve(length);
  }
  const bool parsed = content(
      [&](const httplib::MultipartFormData& part) {
        if (part.name == "file" && !part.filename.empty() && !has_file) {
          has_file = true;
          target = &file;
        } else {
          target = &fields[part.name];
        }
        return true;
      },
      [&](const char* d, std::size_t n) {
        if (target) target->append(d, n);
        return true;
      });
  if (!parsed && res.status == 413) {
    count_error(413);  // httplib read and dropped a body over MAX_BODY_BYTES
    return;
  }
  if (!parsed || !has_file) {
    answer_error(res, 613, "Invalid Multipart Request: no part 'file' with a filename");
    return;
  }
  const auto form_param = [&](const std::string& name) -> std::optional<std::string> {
    if (req.has_param(name)) return req.get_param_value(name);
    if (const auto it = fields.find(name); it != fields.end()) return it->second;
    return std::nullopt;
  };
  job_record job;
  const auto format = form_param("format");
  if (!format || delimiter_for(*format) == 0) {
    answer_error(res, 1003, format ? "Invalid format '" + *format + "': use csv, tsv or ssv"
                                   : std::string("Missing the required parameter 'format'"));
    return;
  }
  job.format = *format;
  const std::string lookup = form_param("lookupField").value_or("email");
  const schema_field* lookup_field = schema_.find(lookup);
  if (!lookup_field) {
    answer_error(res, 1006, "Field '" + lookup + "' not found");
    return;
  }
  job.lookup_field = lookup_field->rest_name;
  if (const auto list = form_param("listId")) {
    job.list_id = parse_id(*list);
    if (!job.list_id) {
      answer_error(res, 1003, "Invalid listId '" + *list + "'");
      return;
    }
  }
  job.partition = form_param("partitionName").value_or("Default");
  if (job.partition != "Default") {
    answer_error(res, 1008, "Partition '" + job.partition + "' not found (the sandbox has "
                            "one partition, 'Default')");
    return;
  }
  if (file.empty()) {
    answer_error(res, 1003, "Empty file");
    return;
  }
  const auto id = queue_->submit(std::move(job), file);
  if (!id) {
    answer_error(res, 1016);
    return;
  }
  answer_result(res, "[{\"batchId\":" + std::to_string(*id) + ",\"importId\":\"" +
                         std::to_string(*id) + "\",\"status\":\"Queued\"}]");
}

void sandbox_server::on_status(const httplib::Request& req, httplib::Response& res) {
  const auto id = parse_id(req.matches[1].str());
  const auto job = id ? queue_->find(*id) : std::nullopt;
  if (!job) {
    answer_error(res, 610, "Batch '" + req.matches[1].str() + "' not found");
    return;
  }
  std::string out = "[{\"batchId\":" + std::to_string(job->batch_id) + ",\"importId\":\"" +
                    std::to_string(job->batch_id) + "\",\"status\":";
  append_json_string(out, to_string(job->status));
  out += ",\"numOfLeadsProcessed\":" + std::to_string(job->leads_processed) +
         ",\"numOfRowsFailed\":" + std::to_string(job->rows_failed) +
         ",\"numOfRowsWithWarning\":" + std::to_string(job->rows_warned) + ",\"message\":";
  append_json_string(out, job->message);
  out += "}]";
  answer_result(res, out);
}

void sandbox_server::on_result_file(const httplib::Request& req, httplib::Response& res,
                                   row_kind kind) {
  const auto id = parse_id(req.matches[1].str());
  const auto job = id ? queue_->find(*id) : std::nullopt;
  if (!job) {
    answer_error(res, 610, "Batch '" + req.matches[1].str() + "' not found");
    return;
  }
  if (job->status == job_status::queued || job->status == job_status::importing) {
    answer_error(res, 1019, "Import in progress: batch " + std::to_string(job->batch_id) +
                                " is " + std::string(to_string(job->status)));
    return;
  }
  auto rows = store_->result_rows(job->batch_id, kind);
  if (rows.empty()) {
    if (options_.empty_files == empty_file_answer::not_found_404) {
      res.status = 404;
    } else {
      res.status = 200;
      res.set_content("", "text/plain");
    }
    return;
  }
  seeded_shuffle(rows, options_.seed,
                 static_cast<std::uint64_t>(job->batch_id) * 2 + static_cast<std::uint64_t>(kind));
  // The header comes from the file as submitted.
  std::string out = result_header_of(store_->load_job_file(job->batch_id), job->format, kind);
  out += "\n";
  for (const auto& r : rows) {
    out += r;
    out += "\n";
  }
  res.status = 200;
  res.set_content(out, job->format == "csv" ? "text/csv" : "text/plain");
}

void sandbox_server::on_describe(const httplib::Request&, httplib::Response& res) {
  answer_result(res, schema_.describe_result_json());
}

void sandbox_server::on_read_leads(const httplib::Request& req, httplib::Response& res) {
  const auto type = param(req, "filterType");
  const auto values = param(req, "filterValues");
  if (!type || !values) {
    answer_error(res, 1003, "filterType and filterValues are required");
    return;
  }
  const schema_field* f = schema_.find(*type);
  if (!f) {
    answer_error(res, 1003, "Invalid filterType '" + *type + "'");
    return;
  }
  const auto list = split_list(*values);
  if (list.size() > 300) {
    answer_error(res, 1003, "At most 300 filterValues");
    return;
  }
  const auto fields = split_list(param(req, "fields").value_or(""));
  std::string out = "[";
  bool first = true;
  for (const auto& lead : store_->read_leads(f->rest_name, list, fields)) {
    if (!first) out += ",";
    first = false;
    out += lead;
  }
  out += "]";
  answer_result(res, out);
}

}  // namespace mkbulk::sandbox
