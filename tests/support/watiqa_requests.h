#pragma once

// The order the WATIQA tests place: copies of the act of `idcs`, mailed to Amina Alaoui in
// Tanger.

#include <string>

#include "zp/core/uuid.h"
#include "zp/watiqa/v1/watiqa.pb.h"

namespace zp::testing {

inline watiqa::v1::PlaceOrderRequest OrderRequest(const std::string& idcs, int copies = 1,
                                                  sgec::v1::CopyKind kind = sgec::v1::EXTRACT) {
  watiqa::v1::PlaceOrderRequest r;
  r.set_request_id(core::NewUuidV7());
  r.set_idcs(idcs);
  r.set_kind(kind);
  r.set_copies(copies);
  auto* a = r.mutable_address();
  a->set_country_code("MA");
  a->set_recipient("Amina Alaoui");
  a->set_city("Tanger");
  a->set_postal_code("90000");
  a->add_lines("12, rue de Fès");
  r.mutable_contact()->set_email("amina@example.ma");
  return r;
}

}  // namespace zp::testing
