#pragma once
// The AWS Signature Version 4 test suite (service "service", region us-east-1, key AKIDEXAMPLE,
// 2015-08-30T12:36:00Z), as published in the AWS General Reference and kept, with header- and
// query-signed forms of every request, in awslabs/aws-c-auth tests/aws-signing-test-suite/v4
// (Apache-2.0). Data only: each entry is a signed request and what a correct verifier computes.
// The cases are split by what they test: sigv4_suite_get_paths.h, sigv4_suite_get_queries.h,
// sigv4_suite_post.h.

#include <string_view>

namespace spool::auth::testdata {

struct SuiteVector {
  std::string_view name;
  bool normalize;                  // false: the "-unnormalized" cases (S3-style paths)
  std::string_view session_token;  // "" when the request has none
  std::string_view header_signed_request;
  std::string_view header_canonical_request;
  std::string_view header_string_to_sign;
  std::string_view header_signature;
  std::string_view query_signed_request;
  std::string_view query_canonical_request;
  std::string_view query_string_to_sign;
  std::string_view query_signature;
};

}  // namespace spool::auth::testdata
