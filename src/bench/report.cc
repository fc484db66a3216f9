#include "bench/report.h"

#include <cstdio>

#include <boost/json.hpp>

namespace spool::bench {
namespace {

std::string Fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

// 1234567 -> "1,234,567".
std::string Grouped(double v) {
  std::string digits = Fixed(v, 0);
  std::string out;
  const size_t start = (!digits.empty() && digits[0] == '-') ? 1 : 0;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > start && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string Millis(int64_t nanos) {
  const double ms = static_cast<double>(nanos) / 1e6;
  return Fixed(ms, ms < 10 ? 3 : (ms < 100 ? 2 : 1)) + " ms";
}

std::string LatencyLine(const LatencyRecorder& l, const char* what) {
  if (l.count() == 0) return "-";
  return "p50 " + Millis(l.Percentile(50)) + "  p99 " + Millis(l.Percentile(99)) + "  max " +
         Millis(l.Max()) + "  (" + Grouped(double(l.count())) + " " + what + ")";
}

void Row(std::string* out, const char* name, const std::string& value) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "  %-28s ", name);
  out->append(buf).append(value).push_back('\n');
}

std::string Optional(const std::optional<uint64_t>& v) {
  return v ? Grouped(double(*v)) : std::string("n/a");
}

std::string Megabytes(int64_t kb) { return Fixed(double(kb) / 1024.0, 1) + " MiB"; }

boost::json::value LatencyJson(const LatencyRecorder& l) {
  if (l.count() == 0) return nullptr;
  return {{"count", l.count()},
          {"p50_ms", double(l.Percentile(50)) / 1e6},
          {"p99_ms", double(l.Percentile(99)) / 1e6},
          {"max_ms", double(l.Max()) / 1e6},
          {"mean_ms", l.Mean() / 1e6}};
}

template <typename T>
boost::json::value OrNull(const std::optional<T>& v) {
  if (!v) return nullptr;
  return boost::json::value(*v);
}

}  // namespace

std::optional<double> Report::MessagesPerServerCpuSecond() const {
  if (!server_cpu_seconds || *server_cpu_seconds <= 0) return std::nullopt;
  return double(messages) / *server_cpu_seconds;
}

bool Report::Failed() const { return errors > 0 || (losses && *losses > 0) || !completed; }

std::string FormatTable(const Report& r) {
  const BenchOptions& o = r.options;
  std::string out;
  out.append("spool bench ").append(WorkloadName(o.workload)).append(": ");
  out.append(Grouped(double(o.messages))).append(" messages of ");
  out.append(std::to_string(o.body_size)).append(" bytes, batches of ");
  out.append(std::to_string(o.batch)).append(", ").append(std::to_string(o.connections));
  out.append(" connections, ").append(std::to_string(o.queues));
  out.append(o.fifo ? " FIFO queue(s)" : " queue(s)");
  if (o.workload == Workload::kLatency) out.append(", ").append(Fixed(o.rate, 0)).append(" msg/s");
  out.append(", ").append(std::to_string(o.threads)).append(" client thread(s), ");
  out.append(o.sign ? "signed" : "unsigned").append("\n");
  out.append("endpoint ").append(o.endpoint);
  if (r.server_pid > 0)
    out.append(" (server pid ").append(std::to_string(r.server_pid)).append(")");
  out.append("\n\n");

  Row(&out, "workload", WorkloadName(o.workload));
  Row(&out, "messages", Grouped(double(r.messages)));
  Row(&out, "seconds", Fixed(r.seconds, 2));
  Row(&out, "messages/s", Grouped(r.MessagesPerSecond()));
  if (r.send.count()) {
    Row(&out, "send latency", LatencyLine(r.send, "requests"));
  }
  if (r.receive.count()) {
    // In the latency workload receives wait in long polls for the next message.
    Row(&out, o.workload == Workload::kLatency ? "receive (long poll)" : "receive latency",
        LatencyLine(r.receive, "requests"));
  }
  if (r.remove.count()) Row(&out, "delete latency", LatencyLine(r.remove, "requests"));
  if (o.workload == Workload::kLatency) {
    Row(&out, "end-to-end latency", LatencyLine(r.end_to_end, "messages"));
  }
  Row(&out, "losses", Optional(r.losses));
  Row(&out, "duplicates", Optional(r.duplicates));
  if (r.foreign > 0) Row(&out, "foreign messages", Grouped(double(r.foreign)));
  Row(&out, "errors", Grouped(double(r.errors)));
  if (r.server_cpu_seconds) {
    Row(&out, "server CPU", Fixed(*r.server_cpu_seconds, 2) + " s (user + system)");
  } else {
    Row(&out, "server CPU", "n/a (pass --server-pid)");
  }
  if (r.client_cpu_seconds) {
    Row(&out, "client CPU", Fixed(*r.client_cpu_seconds, 2) + " s (this process)");
  }
  if (auto per_cpu = r.MessagesPerServerCpuSecond()) {
    Row(&out, "messages per server CPU-s", Grouped(*per_cpu));
  }
  if (r.server_peak_rss_kb && *r.server_peak_rss_kb > 0) {
    Row(&out, "server peak RSS",
        Megabytes(*r.server_peak_rss_kb) + " (VmHWM; now " +
            Megabytes(r.server_rss_kb.value_or(0)) + ")");
  }
  if (!r.completed) Row(&out, "unfinished", r.stop_reason);
  for (const std::string& e : r.error_samples) Row(&out, "error", e);
  return out;
}

std::string FormatJson(const Report& r) {
  const BenchOptions& o = r.options;
  boost::json::array samples;
  for (const std::string& e : r.error_samples) samples.emplace_back(e);
  boost::json::object j = {
      {"workload", WorkloadName(o.workload)},
      {"endpoint", o.endpoint},
      {"requested_messages", o.messages},
      {"body_size", o.body_size},
      {"batch", o.batch},
      {"connections", o.connections},
      {"queues", o.queues},
      {"fifo", o.fifo},
      {"threads", o.threads},
      {"signed", o.sign},
      {"messages", r.messages},
      {"seconds", r.seconds},
      {"messages_per_second", r.MessagesPerSecond()},
      {"send_latency", LatencyJson(r.send)},
      {"receive_latency", LatencyJson(r.receive)},
      {"delete_latency", LatencyJson(r.remove)},
      {"end_to_end_latency", LatencyJson(r.end_to_end)},
      {"losses", OrNull(r.losses)},
      {"duplicates", OrNull(r.duplicates)},
      {"foreign", r.foreign},
      {"errors", r.errors},
      {"error_samples", std::move(samples)},
      {"completed", r.completed},
      {"stop_reason", r.stop_reason},
      {"server_pid", r.server_pid},
      {"server_cpu_seconds", OrNull(r.server_cpu_seconds)},
      {"client_cpu_seconds", OrNull(r.client_cpu_seconds)},
      {"messages_per_server_cpu_second", OrNull(r.MessagesPerServerCpuSecond())},
      {"server_peak_rss_kb", OrNull(r.server_peak_rss_kb)},
      {"server_rss_kb", OrNull(r.server_rss_kb)},
  };
  if (o.workload == Workload::kLatency) j["rate"] = o.rate;
  return boost::json::serialize(j) + "\n";
}

}  // namespace spool::bench
