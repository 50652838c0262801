#include "services/sgec/src/migrations.h"

#include "zp/core/embedded_file.h"
#include "zp/service/runtime.h"

namespace zp::sgec {

std::vector<core::EmbeddedFile> EmbeddedSgecMigrations();

std::vector<pg::Migration> AllMigrations() { return service::ServiceMigrations("sgec", EmbeddedSgecMigrations()); }

}  // namespace zp::sgec
