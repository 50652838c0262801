// Error messages in French and Arabic: the language Accept-Language prefers, the catalog, and
// the LocalizedMessage added beside the English message.
#include "catch2/catch.hpp"
#include "gateway/src/messages.h"
#include "google/rpc/code.pb.h"
#include "google/rpc/error_details.pb.h"
#include "services/chikaya/src/desk.h"
#include "services/sgec/src/rules.h"
#include "services/watiqa/src/desk.h"
#include "zp/core/status.h"

namespace zp::gateway {
namespace {

TEST_CASE("messages: the language Accept-Language prefers, among English, French, Arabic",
          "[gateway]") {
  CHECK(PreferredLocale("") == Locale::kEnglish);
  CHECK(PreferredLocale("fr") == Locale::kFrench);
  CHECK(PreferredLocale("fr-MA,fr;q=0.9,ar;q=0.8,en;q=0.5") == Locale::kFrench);
  CHECK(PreferredLocale("AR-ma") == Locale::kArabic);
  CHECK(PreferredLocale("de, ar;q=0.7, fr;q=0.6") == Locale::kArabic);  // German is not spoken
  CHECK(PreferredLocale("en-GB, fr;q=0.9") == Locale::kEnglish);
  CHECK(PreferredLocale("fr;q=0.4, ar;q=0.4") == Locale::kFrench);  // a tie: the first listed
  CHECK(PreferredLocale("fr;q=0, ar") == Locale::kArabic);
  CHECK(PreferredLocale("fr;q=0") == Locale::kEnglish);  // refused
  CHECK(PreferredLocale("de, es") == Locale::kEnglish);
  CHECK(PreferredLocale("fr;q=abc") == Locale::kEnglish);
  CHECK(LocaleTag(Locale::kArabic) == "ar");
}

// As the gateway receives it: the google.rpc.Status of grpc-status-details-bin.
google::rpc::Status StatusOf(const absl::Status& s) {
  google::rpc::Status out;
  REQUIRE(out.ParseFromString(core::ToGrpcStatus(s).error_details()));
  return out;
}

std::optional<google::rpc::LocalizedMessage> LocalizedOf(const google::rpc::Status& s) {
  for (const auto& d : s.details()) {
    google::rpc::LocalizedMessage m;
    if (d.UnpackTo(&m)) return m;
  }
  return std::nullopt;
}

TEST_CASE("messages: a reason's message, else the code's, then the fields to correct",
          "[gateway]") {
  auto catalog = Messages::Parse({{"a.tsv",
                                   "# comment\nkey\tfr\tar\n"
                                   "code.NOT_FOUND\tIntrouvable.\tغير موجود.\n"
                                   "code.INVALID_ARGUMENT\tDonnées invalides.\tبيانات غير صالحة.\n"
                                   "fields\tChamps : {fields}.\tالحقول: {fields}.\n"},
                                  {"b.tsv",
                                   "key\tfr\tar\n"
                                   "reason.ALREADY_RATED\tDéjà évaluée.\tسبق تقييمها.\n"}});
  REQUIRE(catalog.ok());
  CHECK(catalog->size() == 4);

  google::rpc::Status rated = StatusOf(core::ErrorWithReason(absl::StatusCode::kFailedPrecondition,
                                                             "already rated", "ALREADY_RATED"));
  const int details = rated.details_size();
  catalog->Localize(rated, Locale::kEnglish);
  CHECK(rated.details_size() == details);  // English: the message as the service wrote it
  catalog->Localize(rated, Locale::kArabic);
  REQUIRE(LocalizedOf(rated).has_value());
  CHECK(LocalizedOf(rated)->locale() == "ar");
  CHECK(LocalizedOf(rated)->message() == "سبق تقييمها.");
  CHECK(rated.message() == "already rated");  // the developer message stays

  google::rpc::Status invalid = StatusOf(core::InvalidArgumentError(
      {{"bureau_code", "required"}, {"birth.child.given_name", "too long"}}));
  catalog->Localize(invalid, Locale::kFrench);
  REQUIRE(LocalizedOf(invalid).has_value());
  CHECK(LocalizedOf(invalid)->message() ==
        "Données invalides. Champs : bureau_code, birth.child.given_name.");
  google::rpc::Status missing = StatusOf(absl::NotFoundError("act x not found"));
  catalog->Localize(missing, Locale::kFrench);
  CHECK(LocalizedOf(missing)->message() == "Introuvable.");
  // Neither the reason nor the code in the catalog: English alone.
  google::rpc::Status unknown = StatusOf(absl::UnavailableError("down"));
  catalog->Localize(unknown, Locale::kFrench);
  CHECK_FALSE(LocalizedOf(unknown).has_value());

  CHECK_FALSE(Messages::Parse({{"c.tsv", "key\tfr\n"}}).ok());
  CHECK_FALSE(Messages::Parse({{"c.tsv", "key\tfr\tar\nx\ty\n"}}).ok());
  CHECK_FALSE(Messages::Parse({{"c.tsv", "key\tfr\tar\nx\t\tz\n"}}).ok());
  auto twice =
      Messages::Parse({{"c.tsv", "key\tfr\tar\nx\ta\tb\n"}, {"d.tsv", "key\tfr\tar\nx\tc\tb\n"}});
  REQUIRE_FALSE(twice.ok());
  CHECK(twice.status().message() == "d.tsv:2: x is given twice with different texts");
}

TEST_CASE("messages: the embedded catalog speaks every code and every reason of the services",
          "[gateway]") {
  auto catalog = Messages::Embedded();
  INFO(catalog.status().ToString());
  REQUIRE(catalog.ok());
  for (int code = 1; code <= 16; ++code) {
    INFO(code);
    CHECK(catalog->Has(
        absl::StrCat("code.", google::rpc::Code_Name(static_cast<google::rpc::Code>(code)))));
  }
  CHECK(catalog->Has("fields"));
  const std::vector<absl::string_view> reasons = {
      // The gateway's and the kit's.
      "ROUTE_NOT_FOUND", "METHOD_NOT_ALLOWED", "BODY_TOO_LARGE", "HEADERS_TOO_LARGE",
      "RATE_LIMITED", "MALFORMED_REQUEST", "TOKEN_MISSING", "TOKEN_INVALID", "TOKEN_EXPIRED",
      "ROLE_REQUIRED", "REQUEST_ID_REUSED", "CLIENT_CERTIFICATE_REQUIRED", "UNKNOWN_PARTNER",
      core::kDatabaseErrorReason,
      // SGEC.
      sgec::reasons::kLateDeclaration, sgec::reasons::kFutureDate, sgec::reasons::kDeathBeforeBirth,
      sgec::reasons::kFamilyNameMismatch, sgec::reasons::kParentNotFound,
      sgec::reasons::kDeceasedNotFound, sgec::reasons::kDeclarantPrecedence,
      sgec::reasons::kInvalidState, sgec::reasons::kPotentialDuplicate, sgec::reasons::kNotFlagged,
      sgec::reasons::kAlreadyReviewed, sgec::reasons::kRectificationBasis,
      sgec::reasons::kNoMarriage, sgec::reasons::kSubjectDeceased,
      sgec::reasons::kMentionBeforeBirth, sgec::reasons::kMentionAfterDeath,
      sgec::reasons::kMentionOutOfOrder, sgec::reasons::kAlreadyMarried,
      sgec::reasons::kMinorMarriage, sgec::reasons::kWrongActKind, sgec::reasons::kBureauExists,
      "BUREAU_NOT_FOUND", "REQUEST_NOT_GRANTED", "DOCUMENT_ALREADY_REVOKED", "IMPORT_EXISTS",
      "UNPARSABLE_RECORD",
      // WATIQA.
      watiqa::reasons::kInvalidState, watiqa::reasons::kAmountMismatch,
      watiqa::reasons::kPaymentReferenceReused, watiqa::reasons::kTrackingNumberSet,
      watiqa::reasons::kTrackingNumberTaken, watiqa::reasons::kWrongPartner,
      watiqa::reasons::kTimeInFuture, watiqa::reasons::kTimeBeforePreviousStep,
      watiqa::reasons::kNoRefundDue, watiqa::reasons::kRefundAlreadyAcknowledged,
      // CHIKAYA.
      chikaya::reasons::kInvalidState, chikaya::reasons::kReopenWindowClosed,
      chikaya::reasons::kAlreadyRated, chikaya::reasons::kSameAuthority};
  for (absl::string_view reason : reasons) {
    INFO(reason);
    CHECK(catalog->Has(absl::StrCat("reason.", reason)));
  }
}

}  // namespace
}  // namespace zp::gateway
