// The harness's process control (posix_spawn, a pipe for the first stdout line, RAII kill) and
// its libcurl requests.
#include "sandbox_harness.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>

extern char** environ;

namespace mkbulk::sandbox::test {
namespace {

// A process-wide curl_global_init before any thread uses curl.
struct curl_global {
  curl_global() { curl_global_init(CURL_GLOBAL_DEFAULT); }
  ~curl_global() { curl_global_cleanup(); }
};
curl_global& global_curl() {
  static curl_global g;
  return g;
}

std::size_t collect(char* data, std::size_t size, std::size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

// Runs a prepared easy handle and frees it and its header list.
http_answer perform(CURL* h, const request_options& o, curl_slist* extra = nullptr) {
  http_answer a;
  curl_slist* headers = extra;
  for (const auto& line : o.headers) headers = curl_slist_append(headers, line.c_str());
  // No "Expect: 100-continue" wait on big bodies.
  headers = curl_slist_append(headers, "Expect:");
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &a.body);
  curl_easy_setopt(h, CURLOPT_TIMEOUT, 30L);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  if (!o.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, o.ca_file.c_str());
  a.curl = curl_easy_perform(h);
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &a.status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(h);
  return a;
}

CURL* easy(const std::string& url) {
  global_curl();
  CURL* h = curl_easy_init();
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  return h;
}

}  // namespace

temp_dir::temp_dir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "mkbulk-sandbox-test-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

temp_dir::~temp_dir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

void write_file(const std::string& path, std::string_view content) {
  std::ofstream out(path, std::ios::binary);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
}

sandbox_process::sandbox_process(std::vector<std::string> args, std::vector<std::string> env) {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
  std::vector<std::string> argv_s = {MKBULK_SANDBOX_BIN, "--port", "0"};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_s;
  for (char** e = environ; *e != nullptr; ++e) env_s.emplace_back(*e);
  env_s.insert(env_s.end(), env.begin(), env.end());
  std::vector<char*> envp;
  for (auto& e : env_s) envp.push_back(e.data());
  envp.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  posix_spawn_file_actions_addclose(&actions, fds[1]);
  const int rc = posix_spawn(&pid_, MKBULK_SANDBOX_BIN, &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    pid_ = -1;
    throw std::runtime_error("cannot start " MKBULK_SANDBOX_BIN);
  }
  // The first line is the base URL; give a slow (sanitizer) build 20 s.
  std::string line;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (line.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    pollfd p{fds[0], POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    char buf[256];
    const auto n = read(fds[0], buf, sizeof buf);
    if (n <= 0) break;
    line.append(buf, static_cast<std::size_t>(n));
  }
  close(fds[0]);
  const auto nl = line.find('\n');
  if (nl == std::string::npos) {
    kill_hard();
    throw std::runtime_error("mkbulk-sandbox printed no base URL");
  }
  base_ = line.substr(0, nl);
}

sandbox_process::~sandbox_process() { stop(); }

int sandbox_process::stop() {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  int status = 0;
  for (int i = 0; i < 300; ++i) {
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill_hard();
  return -1;
}

void sandbox_process::kill_hard() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

http_answer http_get(const std::string& url, const request_options& o) {
  return perform(easy(url), o);
}

http_answer http_post_form(const std::string& url,
                           const std::vector<std::pair<std::string, std::string>>& fields,
                           const request_options& o) {
  CURL* h = easy(url);
  std::string body;
  for (const auto& [k, v] : fields) {
    char* ek = curl_easy_escape(h, k.c_str(), static_cast<int>(k.size()));
    char* ev = curl_easy_escape(h, v.c_str(), static_cast<int>(v.size()));
    if (!body.empty()) body += "&";
    body += std::string(ek) + "=" + ev;
    curl_free(ek);
    curl_free(ev);
  }
  curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(h, CURLOPT_COPYPOSTFIELDS, body.c_str());
  return perform(h, o);
}

http_answer http_post_multipart(const std::string& url, const std::string& file_field,
                                const std::string& filename, const std::string& content,
                                const std::vector<std::pair<std::string, std::string>>& fields,
                                const request_options& o) {
  CURL* h = easy(url);
  curl_mime* mime = curl_mime_init(h);
  for (const auto& [k, v] : fields) {
    curl_mimepart* part = curl_mime_addpart(mime);
    curl_mime_name(part, k.c_str());
    curl_mime_data(part, v.data(), v.size());
  }
  if (!file_field.empty()) {
    curl_mimepart* part = curl_mime_addpart(mime);
    curl_mime_name(part, file_field.c_str());
    curl_mime_data(part, content.data(), content.size());
    if (!filename.empty()) curl_mime_filename(part, filename.c_str());
    curl_mime_type(part, "text/plain");
  }
  curl_easy_setopt(h, CURLOPT_MIMEPOST, mime);
  auto a = perform(h, o);
  curl_mime_free(mime);
  return a;
}

http_answer http_post_raw(const std::string& url, const std::string& content_type,
                          const std::string& body, const request_options& o) {
  CURL* h = easy(url);
  curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(h, CURLOPT_COPYPOSTFIELDS, body.c_str());
  curl_slist* extra = curl_slist_append(nullptr, ("Content-Type: " + content_type).c_str());
  return perform(h, o, extra);
}

json_doc::json_doc(const std::string& text) : text_(text) {
  ok_ = parser_.parse(text_).get(root_) == simdjson::SUCCESS;
}

simdjson::dom::element json_doc::at(std::string_view pointer) const {
  simdjson::dom::element e;
  if (!ok_ || root_.at_pointer(pointer).get(e) != simdjson::SUCCESS) {
    throw std::runtime_error("no " + std::string(pointer) + " in the answer");
  }
  return e;
}

bool json_doc::has(std::string_view pointer) const {
  simdjson::dom::element e;
  return ok_ && root_.at_pointer(pointer).get(e) == simdjson::SUCCESS;
}

std::string json_doc::str(std::string_view pointer) const {
  std::string_view s;
  if (!has(pointer) || at(pointer).get_string().get(s) != simdjson::SUCCESS) return {};
  return std::string(s);
}

std::int64_t json_doc::num(std::string_view pointer) const {
  std::int64_t v = -1;
  if (!has(pointer) || at(pointer).get_int64().get(v) != simdjson::SUCCESS) return -1;
  return v;
}

api_client::api_client(std::string base, request_options o)
    : base_(std::move(base)), options_(std::move(o)) {}

std::string api_client::token_url(std::string_view id, std::string_view secret) const {
  return base_ + "/identity/oauth/token?grant_type=client_credentials&client_id=" +
         std::string(id) + "&client_secret=" + std::string(secret);
}

std::string api_client::fetch_token() {
  const auto a = http_get(token_url(), options_);
  EXPECT_EQ(a.status, 200) << a.body;
  json_doc d(a.body);
  token_ = d.str("/access_token");
  EXPECT_FALSE(token_.empty()) << a.body;
  return token_;
}

request_options api_client::with_auth() const {
  request_options o = options_;
  o.headers.push_back("Authorization: Bearer " + token_);
  return o;
}

http_answer api_client::get(const std::string& path) { return http_get(base_ + path, with_auth()); }

http_answer api_client::post_form(const std::string& path,
                                  const std::vector<std::pair<std::string, std::string>>& fields) {
  return http_post_form(base_ + path, fields, with_auth());
}

http_answer api_client::create(const std::string& content,
                               const std::vector<std::pair<std::string, std::string>>& fields,
                               const std::string& query) {
  return http_post_multipart(base_ + "/bulk/v1/leads.json" + query, "file", "leads.txt", content,
                             fields, with_auth());
}

std::int64_t api_client::create_ok(const std::string& content, const std::string& format,
                                   const std::vector<std::pair<std::string, std::string>>& extra) {
  auto fields = extra;
  fields.emplace_back("format", format);
  const auto a = create(content, fields);
  json_doc d(a.body);
  EXPECT_EQ(d.str("/result/0/status"), "Queued") << a.body;
  return d.num("/result/0/batchId");
}

std::string api_client::wait_final(std::int64_t batch_id, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::string last;
  while (std::chrono::steady_clock::now() < deadline) {
    const auto a = get("/bulk/v1/leads/batch/" + std::to_string(batch_id) + ".json");
    last = a.body;
    json_doc d(a.body);
    const auto s = d.str("/result/0/status");
    if (s == "Complete" || s == "Failed") return a.body;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ADD_FAILURE() << "batch " << batch_id << " did not finish: " << last;
  return last;
}

}  // namespace mkbulk::sandbox::test
