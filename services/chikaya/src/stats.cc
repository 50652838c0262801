#include "services/chikaya/src/stats.h"

#include <algorithm>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "google/protobuf/util/time_util.h"
#include "zp/chikaya/v1/events.pb.h"
#include "zp/core/csv.h"
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
SELECT territory, received, answered, answered_within, overdue_now, rating_sum, rating_count,
       ack_hist::text, answer_hist::text
FROM complaint_stats
WHERE territory = ANY($1::text[]) AND period >= $2 AND period <= $3 AND ($4::int = 0 OR kind = $4::int))sql"};

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
  const std::string territories = pg::TextArray(levels);
  const std::string period = Period(created);
  RETURN_IF_ERROR(tx.Exec(kEnsure, {territories, period, static_cast<int>(kind)}).status());
  return tx
      .Exec(kDelta, {territories, period, static_cast<int>(kind), d.received, d.answered, d.within,
                     d.overdue, d.rating_sum, d.rating_count, d.ack_bucket, d.ack, d.answer_bucket,
                     d.answer})
      .status();
}

StatCounts::StatCounts() : ack(kBuckets, 0), answer(kBuckets, 0) {}

StatCounts& StatCounts::operator+=(const StatCounts& o) {
  received += o.received;
  answered += o.answered;
  within += o.within;
  overdue += o.overdue;
  rating_sum += o.rating_sum;
  rated += o.rated;
  for (size_t k = 0; k < kBuckets; ++k) {
    ack[k] += o.ack[k];
    answer[k] += o.answer[k];
  }
  return *this;
}

StatCounts& StatCounts::operator-=(const StatCounts& o) {
  received -= o.received;
  answered -= o.answered;
  within -= o.within;
  overdue -= o.overdue;
  rating_sum -= o.rating_sum;
  rated -= o.rated;
  for (size_t k = 0; k < kBuckets; ++k) {
    ack[k] -= o.ack[k];
    answer[k] -= o.answer[k];
  }
  return *this;
}

bool StatCounts::empty() const {
  return received == 0 && answered == 0 && overdue == 0 && rated == 0;
}

absl::StatusOr<StatCountsByTerritory> ReadStatCounts(pg::Pool& pool,
                                                     const std::vector<std::string>& territories,
                                                     const v1::StatsRequest& r) {
  ASSIGN_OR_RETURN(pg::Result rows, pool.Exec(kRead, {pg::TextArray(territories), r.period_from(),
                                                      r.period_to(), static_cast<int>(r.kind())}));
  StatCountsByTerritory out;
  for (int i = 0; i < rows.rows(); ++i) {
    StatCounts c;
    c.received = rows.Int(i, 1);
    c.answered = rows.Int(i, 2);
    c.within = rows.Int(i, 3);
    c.overdue = rows.Int(i, 4);
    c.rating_sum = rows.Int(i, 5);
    c.rated = rows.Int(i, 6);
    std::vector<int64_t> a = ParseArray(rows.Text(i, 7)), b = ParseArray(rows.Text(i, 8));
    for (size_t k = 0; k < kBuckets && k < a.size(); ++k) c.ack[k] = a[k];
    for (size_t k = 0; k < kBuckets && k < b.size(); ++k) c.answer[k] = b[k];
    out[std::string(rows.Text(i, 0))] += c;
  }
  return out;
}

std::vector<const territory::Territory*> AuthoritiesWithin(const territory::Referential& ref,
                                                           absl::string_view code) {
  std::vector<const territory::Territory*> out;
  for (const territory::Territory* child : ref.Children(code)) {
    if (child->IsLocalAuthority()) {
      out.push_back(child);
    } else {
      for (const territory::Territory* t : AuthoritiesWithin(ref, child->code)) out.push_back(t);
    }
  }
  std::sort(out.begin(), out.end(),
            [](const territory::Territory* a, const territory::Territory* b) {
              return a->code < b->code;
            });
  return out;
}

std::vector<std::string> StatTerritories(const territory::Referential& ref,
                                         const v1::StatsRequest& r) {
  std::vector<std::string> out = {r.territory_code()};
  if (r.breakdown()) {
    for (const territory::Territory* t : AuthoritiesWithin(ref, r.territory_code())) {
      out.push_back(t->code);
    }
  }
  return out;
}

namespace {

// StatsResponse and TerritoryFigures carry the same figures.
template <typename Figures>
void FillFigures(const StatCounts& c, Figures* out) {
  out->set_received(c.received);
  out->set_answered(c.answered);
  out->set_overdue_now(c.overdue);
  out->set_rated(c.rated);
  out->set_median_days_to_acknowledge(Median(c.ack));
  out->set_median_days_to_answer(Median(c.answer));
  if (c.answered > 0) {
    out->set_answered_within_deadline_share(static_cast<double>(c.within) /
                                            static_cast<double>(c.answered));
  }
  if (c.rated > 0) {
    out->set_mean_rating(static_cast<double>(c.rating_sum) / static_cast<double>(c.rated));
  }
}

template <typename Figures>
std::string CsvFigures(absl::string_view line, absl::string_view code, absl::string_view name_fr,
                       absl::string_view name_ar, const Figures& f) {
  return core::CsvLine({line, code, name_fr, name_ar, absl::StrCat(f.received()),
                        absl::StrCat(f.answered()), absl::StrCat(f.overdue_now()),
                        absl::StrCat(f.median_days_to_acknowledge()),
                        absl::StrCat(f.median_days_to_answer()),
                        absl::StrFormat("%.4f", f.answered_within_deadline_share()),
                        absl::StrFormat("%.2f", f.mean_rating()), absl::StrCat(f.rated())});
}

}  // namespace

v1::StatsResponse StatsOf(const territory::Referential& ref, const v1::StatsRequest& r,
                          const StatCountsByTerritory& counts) {
  const StatCounts none;
  auto of = [&](const std::string& code) -> const StatCounts& {
    auto it = counts.find(code);
    return it == counts.end() ? none : it->second;
  };
  v1::StatsResponse out;
  FillFigures(of(r.territory_code()), &out);
  if (!r.breakdown()) return out;
  const std::vector<const territory::Territory*> within =
      AuthoritiesWithin(ref, r.territory_code());
  StatCounts own = of(r.territory_code());
  for (const territory::Territory* t : within) {
    own -= of(t->code);
    v1::TerritoryFigures* f = out.add_breakdown();
    f->set_territory_code(t->code);
    f->set_name_fr(t->name_fr);
    f->set_name_ar(t->name_ar);
    FillFigures(of(t->code), f);
  }
  // A commune has no authority within it: its own complaints are its total. MA has no council.
  const territory::Territory* self = ref.Find(r.territory_code());
  if (!within.empty() && self != nullptr && self->IsLocalAuthority() && !own.empty()) {
    v1::TerritoryFigures* f = out.add_breakdown();
    f->set_territory_code(self->code);
    f->set_name_fr(self->name_fr);
    f->set_name_ar(self->name_ar);
    f->set_own(true);
    FillFigures(own, f);
  }
  return out;
}

api::v1::HttpBody StatsCsv(const territory::Referential& ref, const v1::StatsRequest& r,
                           const v1::StatsResponse& stats) {
  std::string csv(core::kUtf8Bom);
  csv += core::CsvLine({"line", "territory_code", "name_fr", "name_ar", "received", "answered",
                        "overdue_now", "median_days_to_acknowledge", "median_days_to_answer",
                        "answered_within_deadline_share", "mean_rating", "rated"});
  const territory::Territory* self = ref.Find(r.territory_code());
  csv += CsvFigures("total", r.territory_code(), self == nullptr ? "" : self->name_fr,
                    self == nullptr ? "" : self->name_ar, stats);
  for (const v1::TerritoryFigures& f : stats.breakdown()) {
    csv += CsvFigures(f.own() ? "own" : "within", f.territory_code(), f.name_fr(), f.name_ar(), f);
  }
  api::v1::HttpBody body;
  body.set_content_type("text/csv; charset=utf-8");
  body.set_data(std::move(csv));
  body.set_file_name(absl::StrCat("chikaya-stats-", r.territory_code(), "-", r.period_from(), "-",
                                  r.period_to(), ".csv"));
  return body;
}

}  // namespace zp::chikaya
