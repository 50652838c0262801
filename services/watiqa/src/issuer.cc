#include "services/watiqa/src/issuer.h"

#include "absl/strings/str_cat.h"
#include "services/watiqa/src/rules.h"
#include "zp/core/status.h"
#include "zp/log/log.h"

namespace zp::watiqa {

namespace {

// The saga acts on behalf of the call that paid the order: its events carry that call's request
// id and trace.
Actor IssuerActor(const StoredOrder& o) {
  return Actor{"system:issuer", "system", o.paid_request_id, o.paid_traceparent};
}

}  // namespace

bool IsPermanent(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange:
      return true;
    default:
      return false;
  }
}

void Issuer::ExportTo(prometheus::Registry& registry) {
  auto& family = prometheus::BuildCounter()
                     .Name("zp_watiqa_issuance_total")
                     .Help("Issuance attempts of paid orders by outcome")
                     .Register(registry);
  issued_ = &family.Add({{"outcome", "issued"}});
  retried_ = &family.Add({{"outcome", "retried"}});
  refunded_ = &family.Add({{"outcome", "refunded"}});
}

absl::StatusOr<Issuer::Pass> Issuer::RunOnce() {
  const absl::Time now = clock_.Now();
  ASSIGN_OR_RETURN(std::vector<std::string> claimed,
                   store_.ClaimDue(now, now + options_.lease, options_.batch));
  Pass pass;
  for (const std::string& reference : claimed) {
    if (absl::Status s = IssueOne(reference, pass); !s.ok()) {
      spdlog::warn("issuance of {}: {}", reference, s.message());
    }
  }
  if (issued_ != nullptr) {
    issued_->Increment(pass.issued);
    retried_->Increment(pass.retried);
    refunded_->Increment(pass.refunded);
  }
  return pass;
}

absl::Status Issuer::IssueOne(const std::string& reference, Pass& pass) {
  ASSIGN_OR_RETURN(std::optional<StoredOrder> read, store_.ByReference(reference));
  if (!read.has_value() || read->doc.state() != v1::PAID) return absl::OkStatus();
  // SGEC is called outside any transaction; the request ids make the calls safe to repeat.
  std::vector<std::string> documents;
  absl::Status failure;
  for (const std::string& request_id : read->issue_request_ids) {
    sgec::v1::IssueCopyRequest ask;
    ask.set_request_id(request_id);
    ask.set_act_id(read->doc.act_id());
    ask.set_kind(read->doc.kind());
    ask.set_order_reference(reference);
    absl::StatusOr<documents::v1::Document> d =
        registry_.IssueCopy(ask, absl::Now() + options_.call_timeout);  // wall time: a deadline
    if (!d.ok()) {
      failure = d.status();
      break;
    }
    documents.push_back(d->id());
  }
  return store_.Unit([&](OrderTx& tx) -> absl::Status {
    ASSIGN_OR_RETURN(std::optional<StoredOrder> o, tx.Lock(reference));
    if (!o.has_value() || o->doc.state() != v1::PAID) return absl::OkStatus();
    const absl::Time now = clock_.Now();
    if (failure.ok()) {
      o->doc.clear_document_ids();
      for (const std::string& id : documents) o->doc.add_document_ids(id);
      o->next_issue_at.reset();
      o->last_issue_error.clear();
      ++pass.issued;
      return tx.Move(IssuerActor(*o), "IssueDocuments", *o, v1::ISSUED, now, "");
    }
    ++o->issue_attempts;
    o->last_issue_error = std::string(failure.message()).substr(0, 500);
    if (IsPermanent(failure)) {
      const std::string note =
          absl::StrCat("the document cannot be issued: ", failure.message()).substr(0, 500);
      o->doc.set_refund_due(true);
      o->next_issue_at.reset();
      RETURN_IF_ERROR(tx.OweBack(o->doc.payment_reference(), note));
      ++pass.refunded;
      spdlog::warn("order {} refunded: {}", reference, failure.message());
      return tx.Move(IssuerActor(*o), "IssueDocuments", *o, v1::REFUNDED, now, note);
    }
    o->next_issue_at = now + IssueBackoff(o->issue_attempts, options_.backoff_cap);
    ++pass.retried;
    spdlog::info("order {}: issuance attempt {} failed ({}), next in {}", reference,
                 o->issue_attempts, failure.message(),
                 absl::FormatDuration(*o->next_issue_at - now));
    return tx.Save(*o);
  });
}

}  // namespace zp::watiqa
