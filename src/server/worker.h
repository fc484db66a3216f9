#pragma once
// `spool worker`: runs functions of a remote Spool on this host. It reads the functions and
// event source mappings from the server's Lambda API (again every --refresh seconds), runs the
// enabled mappings here with the same workers service `spool serve` runs inside itself, and
// talks to the queues over the SQS API with SigV4 (workers/http_transport.h). A function's
// code directory is the one registered on the server unless --code NAME=DIR says where it is
// on this host; a function deployed as a package (ZipFile) is downloaded from the server
// (GetFunction's Code.Location), checked against its CodeSha256 and unpacked here (into
// DIR/functions with --data-dir, else a temporary directory). Function output is printed to stdout,
// one line per event, prefixed with the function's name (and kept in DIR/logs with --data-dir).
//
// Stops on SIGINT or SIGTERM: environments are killed, batches in progress come back to their
// queues when their visibility timeout ends.

#include <map>
#include <string>
#include <vector>

namespace spool::server {

struct WorkerConfig {
  std::string endpoint;                // "" : SPOOL_ENDPOINT or http://127.0.0.1:9324
  std::vector<std::string> functions;  // empty: every function
  std::map<std::string, std::string> code_dirs;
  int64_t concurrency = 10;
  int64_t idle_seconds = 60;
  int64_t refresh_seconds = 10;
  std::string data_dir;  // "" : logs only printed
};

int RunWorker(const WorkerConfig& config);

}  // namespace spool::server
