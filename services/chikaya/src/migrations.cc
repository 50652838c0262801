#include "services/chikaya/src/migrations.h"

#include "zp/core/embedded_file.h"
#include "zp/service/runtime.h"

namespace zp::chikaya {

std::vector<core::EmbeddedFile> EmbeddedChikayaMigrations();

std::vector<pg::Migration> AllMigrations() { return service::ServiceMigrations("chikaya", EmbeddedChikayaMigrations()); }

}  // namespace zp::chikaya
