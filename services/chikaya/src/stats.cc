#include "services/chikaya/src/stats.h"

#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "google/protobuf/util/time_util.h"
#include "zp/chikaya/v1/events.pb.h"
#include "zp/core/status.h"

namespace zp::chikaya {
namespace {

using google::protobuf::util::TimeUtil;

constexpr int kBuckets = 121;  // days 0..119, and 120 or more

constexpr pg::Query kEnsure{"chk_stats_ensure", R"sql(
INSERT INTO complaint_stats (territory, period, kind)
SELECT t, $2, $3 FROM unnest($1::text[]) AS t ON CONFLICT DO NOTHING)sql"};

constexpr pg::Query kDelta{"chk_stats_delta", R"sql(
UPDATE complaint_stats SET received = received + $4, answered = answered + $5,
  answered_within = answered_within + $6, overdue_now = overdue_now + $7,
  rating_sum = rating_sum + $8, rating_count = rating_count + $9,
  ack_hist[$10] = ack_hist[$10] + $11, answer_hist[$12] = answer_hist[$12] + $13
WHERE territory = ANY($1::text[]) AND period = $2 AND kind = $3)sql"};

constexpr pg::Query kRead{"chk_stats_read", R"sql(
SELECT received, answered, answered_within, overdue_now, rating_sum, rating_count,
       ack_hist::text, answer_hist::text
FROM complaint_stats
WHERE territory = $1 AND period >= $2 AND period <= $3 AND ($4::int = 0 OR kind = $4::int))sql"};

struct Delta {
  int received = 0, answered = 0, within = 0, overdue = 0, rating_sum = 0, rating_count = 0;
  int ack_bucket = 1, ack = 0, answer_bucket = 1, answer = 0;
};

std::string Period(const google::protobuf::Timestamp& t) {
  return absl::FormatTime("%Y-%m", absl::FromUnixSeconds(t.seconds()), absl::UTCTimeZone());
}

int Bucket(const google::protobuf::Timestamp& from, const google::protobuf::Timestamp& to) {
  int64_t days = (to.seconds() - from.seconds()) / 86400;
  return static_cast<int>(std::clamp<int64_t>(days, 0, kBuckets - 1)) + 1;
}

std::vector<int64_t> ParseArray(absl::string_view text) {
  std::vector<int64_t> out;
  for (const std::string& part : pg::ParseTextArray(text)) {
    int64_t n = 0;
    (void)absl::SimpleAtoi(part, &n);
    out.push_back(n);
  }
  return out;
}

// The median day of a histogram (bucket i = day i-1), 0 when empty.
double Median(const std::vector<int64_t>& hist) {
  int64_t total = 0;
  for (int64_t n : hist) total += n;
  if (total == 0) return 0;
  int64_t seen = 0;
  for (size_t i = 0; i < hist.size(); ++i) {
    seen += hist[i];
    if (2 * seen >= total) return static_cast<double>(i);
  }
  return static_cast<double>(hist.size() - 1);
}

}  // namespace

bool IsPeriod(absl::string_view p) {
  int y = 0, m = 0;
  return p.size() == 7 && p[4] == '-' && absl::SimpleAtoi(p.substr(0, 4), &y) &&
         absl::SimpleAtoi(p.substr(5, 2), &m) && m >= 1 && m <= 12;
}

Parents ParentsOf(const territory::Referential& ref, const std::string& code) {
  Parents out;
  std::vector<const territory::Territory*> chain = ref.Ancestors(code);
  chain.insert(chain.begin(), ref.Find(code));
  for (const territory::Territory* t : chain) {
    if (t == nullptr) continue;
    if ((t->level == territory::Level::kProvince || t->level == territory::Level::kPrefecture) &&
        out.province.empty()) {
      out.province = t->code;
    }
    if (t->level == territory::Level::kRegion) out.region = t->code;
  }
  return out;
}

absl::Status ApplyToStats(pg::Transaction& tx, const events::v1::Event& event,
                          const territory::Referential& ref) {
  Delta d;
  std::string authority;
  v1::Kind kind = v1::KIND_UNSPECIFIED;
  google::protobuf::Timestamp created;
  const std::string& type = event.type();
  if (type == v1::ComplaintSubmitted::descriptor()->full_name()) {
    v1::ComplaintSubmitted e;
    if (!e.ParseFromString(event.payload())) return absl::InvalidArgumentError("bad payload");
    authority = e.authority_code();
    kind = e.kind();
    created = e.create_time();
    d.received = 1;
  } else if (type == v1::ComplaintStateChanged::descriptor()->full_name()) {
    v1::ComplaintStateChanged e;
    if (!e.ParseFromString(event.payload())) return absl::InvalidArgumentError("bad payload");
    authority = e.authority_code();
    kind = e.kind();
    created = e.create_time();
    if (e.to() == v1::ACKNOWLEDGED && e.from() == v1::SUBMITTED) {
      d.ack_bucket = Bucket(created, e.time());
      d.ack = 1;
    }
    const bool answer = e.to() == v1::RESOLVED || e.to() == v1::REJECTED;
    if (answer && e.first_answer()) {
      d.answered = 1;
      d.within = e.within_deadline() ? 1 : 0;
      d.answer_bucket = Bucket(created, e.time());
      d.answer = 1;
    }
    if (e.was_overdue() && (answer || e.to() == v1::REDIRECTED)) d.overdue = -1;
  } else if (type == v1::ComplaintOverdue::descriptor()->full_name()) {
    v1::ComplaintOverdue e;
    if (!e.ParseFromString(event.payload())) return absl::InvalidArgumentError("bad payload");
    if (e.escalation_level() != 1) return absl::OkStatus();  // counted once, when first overdue
    authority = e.authority_code();
    kind = e.kind();
    created = e.create_time();
    d.overdue = 1;
  } else if (type == v1::ComplaintRated::descriptor()->full_name()) {
    v1::ComplaintRated e;
    if (!e.ParseFromString(event.payload())) return absl::InvalidArgumentError("bad payload");
    authority = e.authority_code();
    kind = e.kind();
    created = e.create_time();
    d.rating_sum = e.rating();
    d.rating_count = 1;
  } else {
    return absl::OkStatus();  // not a figure
  }
  const Parents parents = ParentsOf(ref, authority);
  std::vector<std::string> levels = {authority};
  for (const std::string* level : {&parents.province, &parents.region}) {
    if (!level->empty() && *level != authority) levels.push_back(*level);
  }
  levels.push_back("MA");
  const std::string territories = absl::StrCat("{", absl::StrJoin(levels, ","), "}");
  const std::string period = Period(created);
  RETURN_IF_ERROR(tx.Exec(kEnsure, {territories, period, static_cast<int>(kind)}).status());
  return tx
      .Exec(kDelta, {territories, period, static_cast<int>(kind), d.received, d.answered, d.within,
                     d.overdue, d.rating_sum, d.rating_count, d.ack_bucket, d.ack, d.answer_bucket,
                     d.answer})
      .status();
}

absl::StatusOr<v1::StatsResponse> ReadStats(pg::Pool& pool, const v1::StatsRequest& r) {
  ASSIGN_OR_RETURN(pg::Result rows, pool.Exec(kRead, {r.territory_code(), r.period_from(),
                                                      r.period_to(), static_cast<int>(r.kind())}));
  v1::StatsResponse out;
  int64_t within = 0, rating_sum = 0;
  std::vector<int64_t> ack(kBuckets, 0), answer(kBuckets, 0);
  for (int i = 0; i < rows.rows(); ++i) {
    out.set_received(out.received() + rows.Int(i, 0));
    out.set_answered(out.answered() + rows.Int(i, 1));
    within += rows.Int(i, 2);
    out.set_overdue_now(out.overdue_now() + rows.Int(i, 3));
    rating_sum += rows.Int(i, 4);
    out.set_rated(out.rated() + rows.Int(i, 5));
    std::vector<int64_t> a = ParseArray(rows.Text(i, 6)), b = ParseArray(rows.Text(i, 7));
    for (size_t k = 0; k < kBuckets && k < a.size(); ++k) ack[k] += a[k];
    for (size_t k = 0; k < kBuckets && k < b.size(); ++k) answer[k] += b[k];
  }
  out.set_median_days_to_acknowledge(Median(ack));
  out.set_median_days_to_answer(Median(answer));
  if (out.answered() > 0) {
    out.set_answered_within_deadline_share(static_cast<double>(within) /
                                           static_cast<double>(out.answered()));
  }
  if (out.rated() > 0) {
    out.set_mean_rating(static_cast<double>(rating_sum) / static_cast<double>(out.rated()));
  }
  return out;
}

}  // namespace zp::chikaya
