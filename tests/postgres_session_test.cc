// The settings every rapport connection to PostgreSQL starts with (postgres/connection.cc), and
// that an administrator's own, in the URL, win over them (docs/deploy.md).
#include <gtest/gtest.h>

#include <string>

#include "postgres_server.h"
#include "store/postgres/connection.h"
#include "test_support.h"

namespace rapport::store {
namespace {

// The value of setting `name` on a new connection to `url`.
std::string Setting(const std::string& url, const std::string& name) {
  auto db = PostgresConnection::Connect(url);
  EXPECT_TRUE(db.ok()) << db.status().message();
  if (!db.ok()) return "";
  auto show = (*db)->Prepare("SELECT current_setting('" + name + "')");
  EXPECT_TRUE(show.ok()) << show.status().message();
  if (!show.ok()) return "";
  Status st;
  std::string value = show->Step(st) ? show->ColumnText(0) : "";
  EXPECT_TRUE(st.ok()) << st.message();
  return value;
}

// JIT compiled a never-run probe of every month partition for 0.7 s a statement; at 4 MB the
// tie index's refresh sorted through temporary files (BENCHMARKS.md, "Partitions profiled").
TEST(PostgresSession, StartsInUtcWithoutJitAndWithRoomToSort) {
  RAPPORT_REQUIRE_POSTGRES();
  const std::string url = testing::SharedPostgres().NewDatabase();
  EXPECT_EQ(Setting(url, "TimeZone"), "UTC");
  EXPECT_EQ(Setting(url, "jit"), "off");
  EXPECT_EQ(Setting(url, "work_mem"), "32MB");
}

TEST(PostgresSession, TheUrlsOwnSettingsWin) {
  RAPPORT_REQUIRE_POSTGRES();
  const std::string url = testing::SharedPostgres().NewDatabase();
  const std::string separator = url.find('?') == std::string::npos ? "?" : "&";
  const std::string own = url + separator + "options=-c%20work_mem%3D8MB%20-c%20jit%3Don";
  EXPECT_EQ(Setting(own, "work_mem"), "8MB");
  EXPECT_EQ(Setting(own, "jit"), "on");
  EXPECT_EQ(Setting(own, "TimeZone"), "UTC");
}

}  // namespace
}  // namespace rapport::store
