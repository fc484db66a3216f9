#include "workers/scaler.h"

#include <gtest/gtest.h>

namespace spool::workers {
namespace {

TEST(ScalerTest, GrowsWhileBusyWithABacklogUpToTheCap) {
  Scaler s({.initial = 2, .min = 1, .max = 4, .shrink_after = 3});
  EXPECT_EQ(s.target(), 2);
  s.Tick(1.0, 100);
  EXPECT_EQ(s.target(), 3);
  s.Tick(0.95, 100);
  s.Tick(0.95, 100);
  s.Tick(0.95, 100);
  EXPECT_EQ(s.target(), 4);
}

TEST(ScalerTest, DoesNotGrowWithoutBacklogOrWhenNotAllBusy) {
  Scaler s({.initial = 2, .min = 1, .max = 8, .shrink_after = 3});
  s.Tick(1.0, 0);
  s.Tick(0.7, 1000);
  EXPECT_EQ(s.target(), 2);
}

TEST(ScalerTest, ShrinksAfterQuietTicksToTheFloor) {
  Scaler s({.initial = 3, .min = 1, .max = 8, .shrink_after = 2});
  s.Tick(0.1, 0);
  EXPECT_EQ(s.target(), 3);
  s.Tick(0.1, 0);
  EXPECT_EQ(s.target(), 2);
  for (int i = 0; i < 10; ++i) s.Tick(0.0, 0);
  EXPECT_EQ(s.target(), 1);
}

TEST(ScalerTest, BusyTickResetsTheQuietCount) {
  Scaler s({.initial = 3, .min = 1, .max = 8, .shrink_after = 2});
  s.Tick(0.1, 0);
  s.Tick(0.7, 0);
  s.Tick(0.1, 0);
  EXPECT_EQ(s.target(), 3);
}

TEST(ScalerTest, LoweringTheCapLowersTheTarget) {
  Scaler s({.initial = 5, .min = 1, .max = 10, .shrink_after = 2});
  s.set_max(2);
  EXPECT_EQ(s.target(), 2);
}

}  // namespace
}  // namespace spool::workers
