#pragma once

// The civil-status rules that need no database: content validation of declarations and
// mentions, lateness, precedence of declarants, the workflow's transitions and the application of
// rectifications. Each broken rule has its own ErrorInfo.reason (README, "Rules").

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "zp/core/dates.h"
#include "zp/sgec/v1/sgec.pb.h"
#include "zp/territory/referential.h"

namespace zp::sgec {

namespace reasons {
inline constexpr char kLateDeclaration[] = "LATE_DECLARATION_REQUIRES_JUDGMENT";
inline constexpr char kFutureDate[] = "EVENT_DATE_IN_FUTURE";
inline constexpr char kDeathBeforeBirth[] = "DEATH_BEFORE_BIRTH";
inline constexpr char kFamilyNameMismatch[] = "FAMILY_NAME_MISMATCH";
inline constexpr char kParentNotFound[] = "PARENT_NOT_FOUND";
inline constexpr char kDeceasedNotFound[] = "DECEASED_NOT_FOUND";
inline constexpr char kDeclarantPrecedence[] = "DECLARANT_PRECEDENCE";
inline constexpr char kInvalidState[] = "INVALID_STATE";
inline constexpr char kPotentialDuplicate[] = "POTENTIAL_DUPLICATE";
inline constexpr char kNotFlagged[] = "NOT_FLAGGED_AS_DUPLICATE";
inline constexpr char kAlreadyReviewed[] = "ALREADY_REVIEWED";
inline constexpr char kRectificationBasis[] = "RECTIFICATION_REQUIRES_LEGAL_BASIS";
inline constexpr char kNoMarriage[] = "NO_MARRIAGE_TO_DISSOLVE";
inline constexpr char kSubjectDeceased[] = "SUBJECT_DECEASED";
inline constexpr char kMentionBeforeBirth[] = "MENTION_BEFORE_BIRTH";
inline constexpr char kMentionAfterDeath[] = "MENTION_AFTER_DEATH";
inline constexpr char kMentionOutOfOrder[] = "MENTION_OUT_OF_ORDER";
inline constexpr char kAlreadyMarried[] = "ALREADY_MARRIED";
inline constexpr char kMinorMarriage[] = "MINOR_MARRIAGE_REQUIRES_AUTHORISATION";
inline constexpr char kWrongActKind[] = "WRONG_ACT_KIND";
inline constexpr char kBureauExists[] = "BUREAU_EXISTS";
}  // namespace reasons

// Declaration deadlines (law 37-99): 30 days at home, one year abroad.
inline constexpr int kDeclarationDays = 30;
inline constexpr int kDeclarationDaysAbroad = 365;

// Morocco's time zone (Africa/Casablanca; UTC+1 when the zone database is missing).
absl::TimeZone MoroccoZone();
// The civil day in Morocco (Africa/Casablanca) at `now`.
absl::CivilDay MoroccoDay(absl::Time now);

using core::ToCivilDay;  // zp/core/dates.h
using core::ToDate;
std::string DateText(const common::v1::Date& date);  // YYYY-MM-DD

// Checks of the content alone. `notified` is true for a health facility's notification, which
// may come without a declarant.
absl::Status ValidateBirth(const v1::BirthDeclaration& birth, absl::CivilDay today, bool notified,
                           const territory::Referential& referential);
absl::Status ValidateDeath(const v1::DeathDeclaration& death, absl::CivilDay today, bool notified,
                           const territory::Referential& referential);

// The declarant's name and relation; a declarant after the mother states why
// (DECLARANT_PRECEDENCE). Nothing to check when absent and not `required`.
absl::Status CheckDeclarant(const v1::Declarant& declarant, const std::string& prefix,
                            bool required);

// What the registry knows of a person designated by IDCS (from the birth act's current view).
struct RegisteredPerson {
  std::string act_id;
  std::string family_name_ar;
  std::string family_name_fr;
  std::optional<absl::CivilDay> birth_date;
  bool deceased = false;
};

// FAMILY_NAME_MISMATCH when the child's family name (either script, normalised) differs from the
// father's registered one.
absl::Status CheckFamilyName(const v1::BirthDeclaration& birth, const RegisteredPerson& father);
// DEATH_BEFORE_BIRTH.
absl::Status CheckDeathAfterBirth(const v1::DeathDeclaration& death,
                                  std::optional<absl::CivilDay> birth_date);

enum class Step { kValidate, kReject, kReviewDuplicate, kRegister };
// INVALID_STATE unless `step` may leave `state`.
absl::Status CheckTransition(v1::DeclarationState state, Step step);

// Checks a mention's own fields (not the act it goes on).
absl::Status ValidateMention(const v1::Mention& mention, absl::CivilDay today);

// The legal age of marriage (Family Code, article 19); younger only with the judge's
// authorisation recorded in the mention.
inline constexpr int kMarriageAge = 18;

// Checks a mention against the person's status history, the birth act `act` with its mentions
// so far: dated on or after the birth, marriage and divorce on or before the death and after the
// previous marriage or divorce, marriage and divorce alternating (no marriage while married, no
// divorce without one), a marriage before 18 only with its authorisation.
absl::Status CheckMentionInHistory(const v1::Mention& mention, const v1::Act& act);

// Applies rectifications to a copy of the content (BirthDeclaration or DeathDeclaration), by
// field path; names keep their script rules. INVALID_ARGUMENT naming the rectification otherwise.
absl::Status ApplyRectifications(const v1::Mention& mention, google::protobuf::Message& content);

// "<bureau>/<year>/<number>".
std::string ActReference(absl::string_view bureau, int year, int number);

}  // namespace zp::sgec
