#include "workers/code_package.h"

#include <sys/stat.h>
#include <zip.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "workers/code_store.h"

namespace spool::workers {
namespace {

namespace fs = std::filesystem;

struct ZipEntry {
  std::string name;
  std::string content;
  mode_t mode = 0;  // with S_IFREG / S_IFLNK / S_IFDIR; 0: no Unix attributes
};

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Writes a zip archive with libzip (the reader under test is ours; the writer is not).
std::string MakeZip(const std::vector<ZipEntry>& entries) {
  fs::path path = fs::path(::testing::TempDir()) / "spool-code-package-test.zip";
  fs::remove(path);
  int err = 0;
  zip_t* z = zip_open(path.c_str(), ZIP_CREATE | ZIP_EXCL, &err);
  EXPECT_NE(z, nullptr);
  for (const auto& e : entries) {
    zip_int64_t index;
    if (e.name.ends_with("/")) {
      index = zip_dir_add(z, e.name.c_str(), ZIP_FL_ENC_UTF_8);
    } else {
      zip_source_t* s = zip_source_buffer(z, e.content.data(), e.content.size(), 0);
      index = zip_file_add(z, e.name.c_str(), s, ZIP_FL_ENC_UTF_8);
    }
    EXPECT_GE(index, 0) << e.name;
    // mode 0: an archive made on a system without Unix permissions.
    zip_file_set_external_attributes(z, static_cast<zip_uint64_t>(index), 0,
                                     e.mode != 0 ? ZIP_OPSYS_UNIX : ZIP_OPSYS_DOS,
                                     static_cast<zip_uint32_t>(e.mode) << 16);
  }
  EXPECT_EQ(zip_close(z), 0);
  std::string bytes = ReadFile(path);
  fs::remove(path);
  return bytes;
}

class CodePackageTest : public ::testing::Test {
 protected:
  CodePackageTest() {
    base_ = fs::path(::testing::TempDir()) /
            ("spool-code-" +
             std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(base_);
    fs::create_directories(base_);
  }
  ~CodePackageTest() override { fs::remove_all(base_); }

  ExtractResult Extract(const std::string& zip, PackageLimits limits = {}) {
    error_.clear();
    return ExtractPackage(zip, dest(), limits, &contents_, &error_);
  }
  fs::path dest() const { return base_ / "out"; }

  fs::path base_;
  PackageContents contents_;
  std::string error_;
};

TEST_F(CodePackageTest, UnpacksFilesDirectoriesModesAndLinks) {
  std::string zip = MakeZip({
      {"index.js", "exports.handler = async () => 1;\n", S_IFREG | 0644},
      {"bootstrap", "#!/bin/sh\necho hi\n", S_IFREG | 0755},
      {"lib/", "", S_IFDIR | 0755},
      {"lib/util.js", "module.exports = 2;\n", 0},
      {"node_modules/.bin/tool", "../tool/cli.js", S_IFLNK | 0777},
      {"node_modules/tool/cli.js", "#!/usr/bin/env node\n", S_IFREG | 0777},
      {"./", "", 0},
  });
  ASSERT_EQ(Extract(zip), ExtractResult::kOk) << error_;
  EXPECT_EQ(ReadFile(dest() / "index.js"), "exports.handler = async () => 1;\n");
  EXPECT_EQ(ReadFile(dest() / "lib/util.js"), "module.exports = 2;\n");
  EXPECT_EQ(fs::status(dest() / "bootstrap").permissions() & fs::perms::owner_exec,
            fs::perms::owner_exec);
  EXPECT_EQ(fs::status(dest() / "lib/util.js").permissions(),
            fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                fs::perms::others_read);
  ASSERT_TRUE(fs::is_symlink(dest() / "node_modules/.bin/tool"));
  EXPECT_EQ(fs::read_symlink(dest() / "node_modules/.bin/tool"), "../tool/cli.js");
  EXPECT_EQ(ReadFile(dest() / "node_modules/.bin/tool"), "#!/usr/bin/env node\n");
  EXPECT_EQ(fs::status(dest() / "node_modules/tool/cli.js").permissions() &
                (fs::perms::group_write | fs::perms::others_write),
            fs::perms::none);
  EXPECT_EQ(contents_.files, 4u);
}

TEST_F(CodePackageTest, RefusesNamesThatLeaveThePackage) {
  for (std::string name : {"../evil.js", "a/../../evil.js", "/etc/evil", "a\\..\\evil"}) {
    SCOPED_TRACE(name);
    EXPECT_EQ(Extract(MakeZip({{"ok.js", "1", 0}, {name, "x", 0}})), ExtractResult::kBadArchive);
    EXPECT_NE(error_.find("outside the package"), std::string::npos) << error_;
    EXPECT_FALSE(fs::exists(dest())) << "a refused archive leaves nothing behind";
    EXPECT_FALSE(fs::exists(base_ / "evil.js"));
  }
}

TEST_F(CodePackageTest, RefusesLinksThatLeaveThePackage) {
  for (std::string target : {"/etc/passwd", "..", "../x", "a/../..", "sub/../../x", "./.."}) {
    SCOPED_TRACE(target);
    EXPECT_EQ(Extract(MakeZip({{"link", target, S_IFLNK | 0777}})), ExtractResult::kBadArchive);
    EXPECT_FALSE(fs::exists(dest()));
  }
  // A file written through a link entry: the link is made last and collides with the directory.
  EXPECT_EQ(Extract(MakeZip({{"l", ".", S_IFLNK | 0777}, {"l/x.js", "1", 0}})),
            ExtractResult::kBadArchive);
  // Allowed: a link up to the package root from one level down.
  EXPECT_EQ(Extract(MakeZip({{"d/up", "..", S_IFLNK | 0777}})), ExtractResult::kOk) << error_;
}

TEST_F(CodePackageTest, RefusesGarbageAndDamage) {
  EXPECT_EQ(Extract(""), ExtractResult::kBadArchive);
  EXPECT_EQ(Extract("this is not a zip archive at all"), ExtractResult::kBadArchive);
  EXPECT_NE(error_.find("not a valid zip"), std::string::npos) << error_;

  std::string zip = MakeZip({{"a.txt", std::string(5000, 'a') + "tail", S_IFREG | 0644}});
  ASSERT_EQ(Extract(zip), ExtractResult::kOk) << error_;
  fs::remove_all(dest());
  // Every truncation fails cleanly.
  for (size_t n = 0; n < zip.size(); n += 7) {
    EXPECT_EQ(Extract(zip.substr(0, n)), ExtractResult::kBadArchive) << n;
    EXPECT_FALSE(fs::exists(dest()));
  }
  // A flipped byte inside the compressed data: the CRC (or inflate) catches it.
  size_t flips = 0;
  for (size_t at = 40; at < 60; ++at) {
    std::string bad = zip;
    bad[at] = static_cast<char>(bad[at] ^ 0x5a);
    if (Extract(bad) != ExtractResult::kOk) ++flips;
    fs::remove_all(dest());
  }
  EXPECT_GT(flips, 15u);
}

TEST_F(CodePackageTest, CountsInflatedBytesAgainstTheLimit) {
  std::string zip = MakeZip({{"big.txt", std::string(1 << 20, 'z'), 0}});
  EXPECT_LT(zip.size(), 10'000u) << "a well-compressed archive";
  PackageLimits limits;
  limits.max_unpacked_bytes = 100'000;
  EXPECT_EQ(Extract(zip, limits), ExtractResult::kBadArchive);
  EXPECT_NE(error_.find("Unzipped size must be smaller than 100000 bytes"), std::string::npos);
  EXPECT_FALSE(fs::exists(dest()));
  limits.max_unpacked_bytes = 2 << 20;
  limits.max_entries = 1;
  EXPECT_EQ(Extract(MakeZip({{"a", "1", 0}, {"b", "2", 0}}), limits), ExtractResult::kBadArchive);
}

TEST_F(CodePackageTest, DuplicateEntriesAreTheArchivesFault) {
  EXPECT_EQ(Extract(MakeZip({{"a/", "", 0}, {"a/b", "1", 0}, {"a", "x", 0}})),
            ExtractResult::kBadArchive);
}

TEST_F(CodePackageTest, BuiltPackagesAreDeterministicAndRoundTrip) {
  fs::path src = base_ / "src";
  fs::create_directories(src / "lib");
  std::ofstream(src / "index.js") << "exports.handler = async () => 1;\n";
  std::ofstream(src / "lib/util.js") << "module.exports = 2;\n";
  std::ofstream(src / "bootstrap") << "#!/bin/sh\n";
  fs::permissions(src / "bootstrap", fs::perms::owner_all);
  fs::create_symlink("util.js", src / "lib/alias.js");
  std::string one, two, error;
  ASSERT_TRUE(BuildPackage(src, &one, &error)) << error;
  // Touching a file changes its timestamp, not the archive.
  fs::last_write_time(src / "index.js", fs::file_time_type::clock::now() - std::chrono::hours(5));
  ASSERT_TRUE(BuildPackage(src, &two, &error)) << error;
  EXPECT_EQ(PackageSha256(one), PackageSha256(two));
  ASSERT_EQ(Extract(one), ExtractResult::kOk) << error_;
  EXPECT_EQ(ReadFile(dest() / "lib/util.js"), "module.exports = 2;\n");
  EXPECT_EQ(fs::read_symlink(dest() / "lib/alias.js"), "util.js");
  EXPECT_EQ(fs::status(dest() / "bootstrap").permissions() & fs::perms::owner_exec,
            fs::perms::owner_exec);
  std::ofstream(src / "index.js") << "changed";
  ASSERT_TRUE(BuildPackage(src, &two, &error));
  EXPECT_NE(PackageSha256(one), PackageSha256(two));
}

TEST_F(CodePackageTest, ShaIsBase64OfSha256) {
  EXPECT_EQ(PackageSha256("abc"), "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=");
}

TEST_F(CodePackageTest, StoreInstallsOnceAndCollectsWhatIsUnused) {
  std::string error;
  auto store = CodeStore::Open(base_ / "functions", &error);
  ASSERT_TRUE(store) << error;
  std::string v1 = MakeZip({{"index.js", "v1", 0}});
  std::string v2 = MakeZip({{"index.js", "v2", 0}});
  bool bad = false;
  auto one = store->Install("orders", v1, &bad, &error);
  ASSERT_TRUE(one) << error;
  EXPECT_EQ(ReadFile(fs::path(one->code_dir) / "index.js"), "v1");
  EXPECT_EQ(ReadFile(one->archive), v1);
  EXPECT_EQ(one->sha256, PackageSha256(v1));
  EXPECT_EQ(one->size, static_cast<int64_t>(v1.size()));
  auto again = store->Install("orders", v1, &bad, &error);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->code_dir, one->code_dir);
  auto two = store->Install("orders", v2, &bad, &error);
  ASSERT_TRUE(two);
  EXPECT_NE(two->code_dir, one->code_dir);
  ASSERT_TRUE(store->Find("orders", one->sha256));
  EXPECT_FALSE(store->Find("orders", PackageSha256("other")));

  EXPECT_FALSE(store->Install("orders", "garbage", &bad, &error));
  EXPECT_TRUE(bad);

  fs::create_directories(base_ / "functions/.incoming-leftover/x");
  EXPECT_EQ(store->Collect({two->code_dir}), 1u);
  EXPECT_FALSE(fs::exists(one->code_dir));
  EXPECT_FALSE(fs::exists(one->archive));
  EXPECT_TRUE(fs::exists(two->code_dir));
  EXPECT_TRUE(fs::exists(two->archive));
  EXPECT_FALSE(fs::exists(base_ / "functions/.incoming-leftover"));
  EXPECT_EQ(store->Collect({}), 1u);
  EXPECT_TRUE(fs::is_empty(base_ / "functions"));
}

}  // namespace
}  // namespace spool::workers
