#pragma once

#include <string>

#include "gateway/src/proto_comments.h"
#include "gateway/src/route_table.h"

namespace zp::gateway {

// An OpenAPI 3.0 document of every route: paths and operations (path variables, query parameters
// of the fields not bound by path or body, request body, response schema), the schemas of every
// message reached, the google.rpc.Status error schema and the bearer security scheme. Built once
// at start from the same descriptors and annotations that drive routing; summaries and
// descriptions of operations, schemas, properties, parameters and enum values from `comments`.
std::string OpenApiDocument(const RouteTable& routes, const ProtoComments& comments = {});

}  // namespace zp::gateway
