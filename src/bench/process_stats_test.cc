#include "bench/process_stats.h"

#include <unistd.h>

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace spool::bench {
namespace {

TEST(ProcessStatsTest, CpuSecondsFromStatSkipsOddCommandNames) {
  // Fields after the name: state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt
  // utime stime ...
  const std::string line = "1234 (a) b) c) S 1 2 3 4 5 6 7 8 9 10 250 50 0 0 20 0 4";
  auto cpu = CpuSecondsFromStat(line, 100);
  ASSERT_TRUE(cpu);
  EXPECT_DOUBLE_EQ(*cpu, 3.0);
  EXPECT_FALSE(CpuSecondsFromStat("garbage", 100));
  EXPECT_FALSE(CpuSecondsFromStat("1 (x) S 1 2", 100));
}

TEST(ProcessStatsTest, SamplesThisProcess) {
  auto s = SampleProcess(getpid());
  ASSERT_TRUE(s);
  EXPECT_GT(s->rss_kb, 0);
  EXPECT_GE(s->peak_rss_kb, s->rss_kb);
  EXPECT_GE(s->cpu_seconds, 0);
  EXPECT_FALSE(SampleProcess(0));
}

TEST(ProcessStatsTest, FindsTheProcessListeningOnAPort) {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor acceptor(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
  const uint16_t port = acceptor.local_endpoint().port();
  EXPECT_EQ(FindListeningProcess(port), getpid());
  acceptor.close();
  EXPECT_EQ(FindListeningProcess(port), 0);
}

}  // namespace
}  // namespace spool::bench
