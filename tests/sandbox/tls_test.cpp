// TLS: with --tls-cert/--tls-key the sandbox serves HTTPS, a client that trusts the
// certificate (curl's CAINFO) works, and one that does not is refused by its own verification.
// The self-signed certificate is made here with the openssl command line.
#include <cstdlib>

#include <gtest/gtest.h>

#include "sandbox_harness.h"

namespace mkbulk::sandbox::test {
namespace {

TEST(sandbox_server_tls, https_with_a_verified_self_signed_certificate) {
  temp_dir dir;
  const auto cert = dir.file("cert.pem");
  const auto key = dir.file("key.pem");
  const std::string cmd =
      "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 "
      "-addext subjectAltName=IP:127.0.0.1 -keyout " + key + " -out " + cert + " 2>/dev/null";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  sandbox_process sb({"--tls-cert", cert, "--tls-key", key});
  ASSERT_EQ(sb.base().rfind("https://127.0.0.1:", 0), 0u) << sb.base();

  request_options trusted;
  trusted.ca_file = cert;
  api_client c(sb.base(), trusted);
  c.fetch_token();
  ASSERT_FALSE(c.token().empty());
  const auto id = c.create_ok("email\ntls@x.com\n");
  EXPECT_EQ(json_doc(c.wait_final(id)).str("/result/0/status"), "Complete");

  const auto untrusted = http_get(api_client(sb.base()).token_url());
  EXPECT_NE(untrusted.curl, CURLE_OK);  // verification fails without the CA
  const auto plain = http_get("http" + sb.base().substr(5) + "/sandbox/stats");
  EXPECT_NE(plain.status, 200);  // no plain HTTP on the TLS port
}

TEST(sandbox_server_tls, a_missing_certificate_is_a_startup_error) {
  EXPECT_THROW(sandbox_process({"--tls-cert", "/nonexistent.pem", "--tls-key", "/nonexistent.key"}),
               std::runtime_error);
}

}  // namespace
}  // namespace mkbulk::sandbox::test
