#pragma once

// The complaint the CHIKAYA tests file: the street lighting of Assilah (or of `authority`).

#include <string>

#include "zp/chikaya/v1/chikaya.pb.h"
#include "zp/core/uuid.h"

namespace zp::testing {

inline chikaya::v1::SubmitRequest LightingComplaint(const std::string& authority) {
  chikaya::v1::SubmitRequest r;
  r.set_request_id(core::NewUuidV7());
  r.set_kind(chikaya::v1::COMPLAINT);
  r.set_category("lighting");
  r.set_authority_code(authority);
  r.set_subject("Éclairage en panne — الإنارة معطلة");
  r.set_description("La rue Ibn Battouta est sans éclairage depuis une semaine.");
  r.mutable_location()->set_latitude(35.4650);
  r.mutable_location()->set_longitude(-6.0344);
  return r;
}

}  // namespace zp::testing
