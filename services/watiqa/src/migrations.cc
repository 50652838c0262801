#include "services/watiqa/src/migrations.h"

#include "zp/core/embedded_file.h"
#include "zp/service/runtime.h"

namespace zp::watiqa {

std::vector<core::EmbeddedFile> EmbeddedWatiqaMigrations();

std::vector<pg::Migration> AllMigrations() {
  return service::ServiceMigrations("watiqa", EmbeddedWatiqaMigrations());
}

}  // namespace zp::watiqa
