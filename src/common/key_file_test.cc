#include "common/key_file.h"

#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

namespace spool::common {
namespace {

std::string TempDir() {
  std::string pattern = ::testing::TempDir() + "/keyfile-XXXXXX";
  return mkdtemp(pattern.data());
}

TEST(KeyFileTest, CreatesAKeyOnceWithMode0600AndReadsItBack) {
  std::string dir = TempDir();
  std::string key, again, error;
  ASSERT_TRUE(LoadOrCreateKeyFile(dir + "/a.key", 32, &key, &error)) << error;
  EXPECT_EQ(key.size(), 32u);
  struct stat st {};
  ASSERT_EQ(::stat((dir + "/a.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_TRUE(LoadOrCreateKeyFile(dir + "/a.key", 32, &again, &error)) << error;
  EXPECT_EQ(again, key);
  std::filesystem::remove_all(dir);
}

TEST(KeyFileTest, AKeyOfTheWrongSizeIsDamagedAndKept) {
  std::string dir = TempDir();
  std::ofstream(dir + "/b.key") << "short";
  std::string key, error;
  EXPECT_FALSE(LoadOrCreateKeyFile(dir + "/b.key", 32, &key, &error));
  EXPECT_EQ(error, dir + "/b.key is damaged (expected 32 bytes)");
  EXPECT_EQ(std::filesystem::file_size(dir + "/b.key"), 5u);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace spool::common
