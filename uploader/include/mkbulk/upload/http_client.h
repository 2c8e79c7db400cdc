// The HTTP layer: one libcurl easy handle (connections reused), GET, form POST and streamed
// multipart POST. It reports what happened and decides nothing: the transport error (curl
// code), the HTTP status and the body stay apart; retry_policy classifies, the scheduler acts.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace mkbulk::upload {

struct http_options {
  std::string cacert;          // a CA bundle file; empty: the system's
  bool insecure = false;       // turn TLS verification off (the CLI warns loudly)
  double connect_timeout = 10;  // seconds
  double request_timeout = 300;  // seconds, whole request (a 10 MB upload included)
};

struct http_response {
  int curl_code = 0;              // CURLcode; 0 = the transfer completed
  std::string transport_message;  // curl's error text when curl_code != 0
  long status = 0;                // HTTP status; 0 when no answer came
  std::string body;
};

// A part of a multipart/form-data body: a plain field, or a file streamed from disk.
struct form_part {
  std::string name;
  std::string value;                // the field's value, or the file name sent for a file part
  std::filesystem::path file;       // non-empty: stream this file (curl_mime_filedata)
};

class http_client {
 public:
  explicit http_client(http_options options);
  ~http_client();
  http_client(const http_client&) = delete;
  http_client& operator=(const http_client&) = delete;

  // bearer: the access token for "Authorization: Bearer", or empty for none. The token is
  // never put in a URL and curl's verbose output stays off.
  [[nodiscard]] http_response get(const std::string& url, const std::string& bearer);
  // application/x-www-form-urlencoded POST; values are escaped here.
  [[nodiscard]] http_response post_form(
      const std::string& url, const std::vector<std::pair<std::string, std::string>>& fields,
      const std::string& bearer);
  [[nodiscard]] http_response post_multipart(const std::string& url,
                                             const std::vector<form_part>& parts,
                                             const std::string& bearer);

 private:
  http_response perform(const std::string& url, const std::string& bearer);
  http_options options_;
  void* curl_;  // CURL*, kept out of the header
};

}  // namespace mkbulk::upload
