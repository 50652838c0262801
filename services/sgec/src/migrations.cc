#include "services/sgec/src/migrations.h"

#include "zp/core/embedded_file.h"
#include "zp/documents/documents.h"
#include "zp/service/runtime.h"

namespace zp::sgec {

std::vector<core::EmbeddedFile> EmbeddedSgecMigrations();

std::vector<pg::Migration> AllMigrations() {
  std::vector<pg::Migration> all = documents::Migrations();
  for (auto& m : service::ServiceMigrations("sgec", EmbeddedSgecMigrations())) all.push_back(m);
  return all;
}

}  // namespace zp::sgec
