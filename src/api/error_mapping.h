#pragma once
// The one place where engine errors become AWS error codes.

#include "engine/errc.h"
#include "protocol/aws_errors.h"

namespace spool::api {

protocol::AwsError ToAwsError(engine::Errc code);

}  // namespace spool::api
