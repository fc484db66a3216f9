#pragma once
// Helpers shared by the SigV4 tests: a request that owns its storage, the documented example key,
// and one-line signing and verification.

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "auth/sigv4.h"

namespace spool::auth::sigv4_testing {

inline constexpr std::string_view kKeyId = "AKIDEXAMPLE";
inline constexpr std::string_view kSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

inline common::TimePoint At(std::string_view amz_date) { return *ParseAmzDate(amz_date); }

// A request with its own storage; View() points into it.
struct Req {
  std::string method = "POST";
  std::string path = "/";
  std::string query;
  std::vector<std::pair<std::string, std::string>> header_list;
  std::string body;

  Req& Add(std::string name, std::string value) {
    header_list.emplace_back(std::move(name), std::move(value));
    return *this;
  }
  Req& Set(std::string_view name, std::string value) {
    for (auto& [n, v] : header_list) {
      if (n == name) {
        v = std::move(value);
        return *this;
      }
    }
    return Add(std::string(name), std::move(value));
  }
  Req& Remove(std::string_view name) {
    std::erase_if(header_list, [&](const auto& h) { return h.first == name; });
    return *this;
  }
  HttpRequestView View() {
    views_.clear();
    for (const auto& [n, v] : header_list) views_.push_back({n, v});
    return {method, path, query, views_, body, {}};
  }

 private:
  std::vector<Header> views_;
};

// Signs `r` (header form) with the example key and adds the resulting headers.
inline Req& SignInPlace(Req& r, common::TimePoint t, std::string_view service = "sqs",
                        std::string_view secret = kSecret, std::string_view token = "") {
  const SignedHeaderValues s =
      Sign(r.View(), {std::string(kKeyId), std::string(secret), std::string(token)},
           {"us-east-1", std::string(service)}, t);
  r.Set("X-Amz-Date", s.x_amz_date);
  if (!s.x_amz_security_token.empty()) r.Set("X-Amz-Security-Token", s.x_amz_security_token);
  r.Set("Authorization", s.authorization);
  return r;
}

inline Req SqsQueryPost() {
  Req r;
  r.Add("Host", "sqs.us-east-1.amazonaws.com")
      .Add("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
  r.body =
      "Action=SendMessage&Version=2012-11-05&QueueUrl=https%3A%2F%2Fsqs.us-east-1.amazonaws.com%"
      "2F123456789012%2FMyQueue&MessageBody=hello+world";
  return r;
}

inline SecretLookup ExampleSecrets() {
  return [](std::string_view id) -> std::optional<KeySecret> {
    if (id == kKeyId)
      return KeySecret{std::string(kSecret), "arn:aws:iam::123456789012:user/example"};
    return std::nullopt;
  };
}

inline VerifierOptions Options() { return VerifierOptions{}; }

inline const common::TimePoint kT = At("20150830T123600Z");

inline AuthError VerifyError(Req& r, common::TimePoint now = kT,
                             VerifierOptions options = Options(), SessionTokenCheck tokens = {}) {
  const VerifyResult result =
      Verifier(std::move(options), ExampleSecrets(), std::move(tokens)).Verify(r.View(), now);
  EXPECT_FALSE(result.ok());
  return result.ok() ? AuthError{AuthErrc::kIncompleteSignature, "<verified>"} : result.error();
}

}  // namespace spool::auth::sigv4_testing
