#include "common/sealed_box.h"

#include <string>

#include <gtest/gtest.h>

namespace spool::common {
namespace {

TEST(SealedBoxTest, OpensWhatItSealed) {
  SealedBox box(SealedBox::NewKey());
  for (std::string plain : {std::string(), std::string("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
                            std::string(100000, '\0')}) {
    std::string sealed = box.Seal(plain, "AKIDEXAMPLE");
    EXPECT_NE(sealed.find("s1"), std::string::npos);
    if (!plain.empty()) {
      EXPECT_EQ(sealed.find(plain), std::string::npos);  // not in the clear
    }
    auto back = box.Open(sealed, "AKIDEXAMPLE");
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, plain);
  }
}

TEST(SealedBoxTest, SealingTwiceGivesDifferentBytes) {
  SealedBox box(SealedBox::NewKey());
  EXPECT_NE(box.Seal("same"), box.Seal("same"));
}

TEST(SealedBoxTest, WrongKeyDataOrDamageDoNotOpen) {
  SealedBox box(SealedBox::NewKey());
  SealedBox other(SealedBox::NewKey());
  std::string sealed = box.Seal("secret", "key-1");
  EXPECT_FALSE(other.Open(sealed, "key-1").has_value());
  EXPECT_FALSE(box.Open(sealed, "key-2").has_value());
  EXPECT_FALSE(box.Open(sealed).has_value());
  for (size_t i = 0; i < sealed.size(); ++i) {
    std::string damaged = sealed;
    damaged[i] = static_cast<char>(damaged[i] ^ 0x01);
    EXPECT_FALSE(box.Open(damaged, "key-1").has_value()) << i;
  }
  for (size_t n = 0; n < sealed.size(); ++n) {
    EXPECT_FALSE(box.Open(sealed.substr(0, n), "key-1").has_value()) << n;
  }
}

}  // namespace
}  // namespace spool::common
