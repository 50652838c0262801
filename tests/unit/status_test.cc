#include "zp/core/status.h"

#include <catch2/catch.hpp>

#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "zp/core/api.h"

namespace zp::core {
namespace {

absl::StatusOr<int> Half(int n) {
  if (n % 2 != 0) {
    return InvalidArgumentError("n", "must be even");
  }
  return n / 2;
}

absl::StatusOr<int> Quarter(int n) {
  ASSIGN_OR_RETURN(int half, Half(n));
  ASSIGN_OR_RETURN(int quarter, Half(half));
  return quarter;
}

absl::Status CheckEven(int n) {
  RETURN_IF_ERROR(Half(n).status());
  return absl::OkStatus();
}

TEST_CASE("status: ASSIGN_OR_RETURN and RETURN_IF_ERROR propagate the first error", "[status]") {
  CHECK(*Quarter(8) == 2);
  CHECK(Quarter(6).status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(CheckEven(4).ok());
  CHECK_FALSE(CheckEven(5).ok());
}

TEST_CASE("status: violations are collected and all reported", "[status]") {
  Violations v;
  CHECK(v.ToStatus().ok());
  v.Add("child.given_name_ar", "must contain Arabic script");
  v.Add("event_date", "must not be in the future");
  absl::Status s = v.ToStatus();
  CHECK(s.code() == absl::StatusCode::kInvalidArgument);
  auto fields = FieldViolationsOf(s);
  REQUIRE(fields.size() == 2);
  CHECK(fields[0].field == "child.given_name_ar");
  CHECK(fields[1].field == "event_date");
}

TEST_CASE("status: ToGrpcStatus carries BadRequest and ErrorInfo as google.rpc.Status",
          "[status]") {
  absl::Status s =
      ErrorWithReason(absl::StatusCode::kFailedPrecondition, "a court judgment is required",
                      "LATE_DECLARATION_REQUIRES_JUDGMENT", {{"days_late", "45"}});
  grpc::Status g = ToGrpcStatus(s);
  CHECK(g.error_code() == grpc::StatusCode::FAILED_PRECONDITION);
  CHECK(g.error_message() == "a court judgment is required");
  google::rpc::Status details;
  REQUIRE(details.ParseFromString(g.error_details()));
  CHECK(details.code() == static_cast<int>(grpc::StatusCode::FAILED_PRECONDITION));
  REQUIRE(details.details_size() == 1);
  google::rpc::ErrorInfo info;
  REQUIRE(details.details(0).UnpackTo(&info));
  CHECK(info.reason() == "LATE_DECLARATION_REQUIRES_JUDGMENT");
  CHECK(info.domain() == std::string(kErrorDomain));
  CHECK(info.metadata().at("days_late") == "45");

  absl::Status back = FromGrpcStatus(g);
  CHECK(back.code() == absl::StatusCode::kFailedPrecondition);
  CHECK(ReasonOf(back) == "LATE_DECLARATION_REQUIRES_JUDGMENT");
  CHECK(ErrorMetadataOf(back)["days_late"] == "45");

  grpc::Status bad = ToGrpcStatus(InvalidArgumentError("page_size", "must be at most 1000"));
  google::rpc::Status bad_details;
  REQUIRE(bad_details.ParseFromString(bad.error_details()));
  google::rpc::BadRequest br;
  REQUIRE(bad_details.details(0).UnpackTo(&br));
  CHECK(br.field_violations(0).field() == "page_size");
  CHECK(FieldViolationsOf(FromGrpcStatus(bad))[0].field == "page_size");
  CHECK(ToGrpcStatus(absl::OkStatus()).ok());
}

TEST_CASE("api: text limits count characters, not bytes", "[status]") {
  CHECK(core::CharacterCount("") == 0);
  CHECK(core::CharacterCount("Fès") == 3);
  CHECK(core::CharacterCount("العلوي") == 6);
  CHECK(core::CharacterCount("🚧") == 1);
}

TEST_CASE("status: an internal fault reaches the caller as its kind, never its text", "[status]") {
  // A database failure (zp::pg) carries the server's message and its SQLSTATE: neither leaves.
  absl::Status db = ErrorWithReason(absl::StatusCode::kInternal,
                                    "database: ERROR: word is too long to be indexed",
                                    kDatabaseErrorReason, {{"sqlstate", "54000"}});
  CHECK(IsInternalFault(db));
  grpc::Status g = ToGrpcStatus(db);
  CHECK(g.error_code() == grpc::StatusCode::INTERNAL);
  CHECK(g.error_message() == "internal error");
  google::rpc::Status details;
  REQUIRE(details.ParseFromString(g.error_details()));
  CHECK(details.details_size() == 0);
  CHECK(g.error_details().find("54000") == std::string::npos);
  absl::Status conflict =
      ErrorWithReason(absl::StatusCode::kAlreadyExists,
                      "duplicate key value violates unique constraint \"x\"", kDatabaseErrorReason);
  CHECK(ToGrpcStatus(conflict).error_message().find("constraint") == std::string::npos);
  CHECK(ToGrpcStatus(absl::DataLossError("/var/lib/x: bad row")).error_message() ==
        "internal error");
  // The request's own errors keep their text.
  CHECK(ToGrpcStatus(absl::NotFoundError("act 42 not found")).error_message() ==
        "act 42 not found");
}

TEST_CASE("status: an error never grows with the input", "[status]") {
  const std::string huge(9000, 'x');
  grpc::Status g = ToGrpcStatus(absl::NotFoundError("act " + huge + " not found"));
  CHECK(g.error_code() == grpc::StatusCode::NOT_FOUND);
  CHECK(g.error_message().size() <= 512 + 3);
  // Arabic letters are two bytes each: the cut never splits one.
  const std::string arabic = [] {
    std::string s;
    for (int i = 0; i < 1030; ++i) s += "ب";
    return s;
  }();
  grpc::Status a = ToGrpcStatus(InvalidArgumentError(arabic, "unknown " + arabic));
  google::rpc::Status details;
  REQUIRE(details.ParseFromString(a.error_details()));
  google::rpc::BadRequest bad;
  REQUIRE(details.details(0).UnpackTo(&bad));
  CHECK(bad.field_violations(0).field().size() <= 128 + 3);
  CHECK(bad.field_violations(0).description().size() <= 256 + 3);
  CHECK(a.error_message().size() <= 512 + 3);
  for (const std::string& text : {a.error_message(), bad.field_violations(0).field(),
                                  bad.field_violations(0).description()}) {
    // Whole letters, then the ellipsis.
    CHECK(text.substr(text.size() - 3) == "…");
    const std::string body = text.substr(0, text.size() - 3);
    CHECK(body.find("ب") != std::string::npos);
    CHECK(body.back() == "ب"[1]);
  }
  CHECK(Bounded("short", 512) == "short");
}

}  // namespace
}  // namespace zp::core
