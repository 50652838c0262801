// Signed copies of civil-status acts against a real PostgreSQL: issue (full copy and extract),
// who may, the published key, public verification of valid, revoked, unknown and tampered
// documents, and the PDF read back with poppler.
#include "absl/strings/ascii.h"
#include "catch2/catch.hpp"
#include "google/protobuf/util/json_util.h"
#include "tests/integration/sgec_fixture.h"
#include "tests/support/pdf_text.h"
#include "zp/auth/grants.h"
#include "zp/core/files.h"
#include "zp/documents/codes.h"

namespace zp::sgec {
namespace {

using namespace fixture;  // NOLINT: the fixture and its helpers

v1::IssueCopyRequest CopyOf(const std::string& act_id, v1::CopyKind kind) {
  v1::IssueCopyRequest r;
  r.set_request_id(core::NewUuidV7());
  r.set_act_id(act_id);
  r.set_kind(kind);
  return r;
}

v1::CopyContent ContentOf(const documents::v1::Document& d) {
  documents::v1::SignedContent signed_content;
  REQUIRE(google::protobuf::util::JsonStringToMessage(d.canonical_content(), &signed_content).ok());
  v1::CopyContent content;
  REQUIRE(signed_content.content().UnpackTo(&content));
  return content;
}

// A registered birth with a marriage mention.
v1::Act MarriedPerson(SgecFixture& f, int n) {
  v1::Act act = f.Registered(f.AdultBirthOf(n));
  v1::AddMentionRequest marriage;
  marriage.set_request_id(core::NewUuidV7());
  marriage.set_act_id(act.id());
  auto* m = marriage.mutable_mention();
  m->set_kind(v1::MENTION_MARRIAGE);
  m->set_contract_reference("ADL-TNG-2026-0042");
  SetDate(m->mutable_contract_date(), absl::CivilDay(2026, 6, 10));
  SetDate(m->mutable_effective_date(), absl::CivilDay(2026, 6, 10));
  SetName(m->mutable_spouse(), "سلمى", "Salma", "الفاسي", "El Fassi");
  auto married = f.registry().AddMention(f.Officer(), marriage);
  REQUIRE(married.ok());
  return *married;
}

TEST_CASE("sgec documents: a full copy and an extract, signed with the published key",
          "[integration][sgec][documents]") {
  SgecFixture f;
  v1::Act act = MarriedPerson(f, 1);
  const auto& child = act.birth().child();

  auto full = f.registry().IssueCopy(f.Officer(), CopyOf(act.id(), v1::FULL_COPY));
  INFO(full.status().ToString());
  REQUIRE(full.ok());
  CHECK(full->kind() == "sgec.FULL_COPY");
  CHECK(full->subject() == "acts/" + act.id());
  CHECK(full->issuer().code() == kAssilah);
  CHECK(full->status() == documents::v1::VALID);
  CHECK(full->verification_code().size() == 12);
  CHECK(full->verification_url() == "https://zeropapier.test/v/" + full->verification_code());
  CHECK(full->content_sha256() == core::Sha256Hex(full->canonical_content()));

  // The signature verifies with the key published under its kid.
  auto keys = f.registry().ListDocumentKeys(Caller{}, {});
  REQUIRE(keys.ok());
  REQUIRE(keys->keys_size() == 1);
  CHECK(keys->keys(0).kid() == full->kid());
  CHECK(
      documents::VerifySignature(keys->keys(0), full->canonical_content(), full->signature()).ok());

  // A full copy carries every field and every mention, without staff identities.
  v1::CopyContent content = ContentOf(*full);
  CHECK(content.copy_kind() == v1::FULL_COPY);
  CHECK(content.act_reference() == act.reference());
  CHECK(content.idcs() == act.idcs());
  CHECK(content.birth().child().given_name().fr() == child.given_name().fr());
  CHECK(content.birth().declarant().name().given_name().fr() ==
        act.birth().declarant().name().given_name().fr());
  REQUIRE(content.mentions_size() == 1);
  CHECK(content.mentions(0).contract_reference() == "ADL-TNG-2026-0042");
  CHECK(content.mentions(0).created_by().empty());

  // An extract: names, birth date and place, parents' names, the reference; nothing else.
  auto extract = f.registry().IssueCopy(f.Agent(), CopyOf(act.id(), v1::EXTRACT));
  REQUIRE(extract.ok());
  v1::CopyContent e = ContentOf(*extract);
  CHECK(e.copy_kind() == v1::EXTRACT);
  CHECK(e.person().family_name().ar() == child.family_name().ar());
  CHECK(e.birth_date().year() == act.birth().birth_date().year());
  CHECK(e.birth_place().commune_code() == kAssilah);
  CHECK(e.mother().given_name().fr() == act.birth().mother().name().given_name().fr());
  CHECK_FALSE(e.has_birth());
  CHECK(e.mentions_size() == 0);
  CHECK(extract->verification_code() != full->verification_code());

  // The stored document is the issued one, byte for byte.
  v1::GetDocumentRequest get;
  get.set_id(full->id());
  auto stored = f.registry().GetDocument(f.Officer(), get);
  REQUIRE(stored.ok());
  CHECK(stored->canonical_content() == full->canonical_content());
  CHECK(stored->signature() == full->signature());

  // A retry answers the first document; a new request issues another.
  v1::IssueCopyRequest again = CopyOf(act.id(), v1::EXTRACT);
  auto first = f.registry().IssueCopy(f.Officer(), again);
  auto retried = f.registry().IssueCopy(f.Officer(), again);
  REQUIRE(first.ok());
  REQUIRE(retried.ok());
  CHECK(retried->id() == first->id());
  CHECK(f.Count("SELECT count(*) FROM documents") == 3);
  CHECK(f.Count("SELECT count(*) FROM outbox WHERE event_type = 'zp.sgec.v1.DocumentIssued'") == 3);
}

// WATIQA's service principal as its own key's token gives it (zp/auth/jwt.h binds the identity to
// the key), with the grants its token carries.
Caller Watiqa(std::initializer_list<v1::IssueCopyRequest> granted,
              const std::string& subject = "service:watiqa") {
  auth::Principal p = P(subject, {"service"}, {"MA"});
  for (const v1::IssueCopyRequest& r : granted) {
    p.authorization_details.push_back(*auth::RequestGrant("zp.sgec.v1.CivilRegistry.IssueCopy", r));
  }
  return C(std::move(p));
}

TEST_CASE("sgec documents: a service issues only the copy its token grants",
          "[integration][sgec][documents]") {
  SgecFixture f;
  v1::Act act = f.Registered(f.BirthOf(3));
  v1::IssueCopyRequest ordered = CopyOf(act.id(), v1::FULL_COPY);
  ordered.set_order_reference("WTQ-2026-00000042-X");
  auto denied = [&](const Caller& c, const v1::IssueCopyRequest& r) {
    auto d = f.registry().IssueCopy(c, r);
    return d.status().code() == absl::StatusCode::kPermissionDenied &&
           Reason(d.status()) == "REQUEST_NOT_GRANTED";
  };
  // No grant at all: the token of a service is not enough (it printed any act before).
  CHECK(denied(Watiqa({}), ordered));
  // A grant of another request: another act, kind, order or request id.
  v1::IssueCopyRequest other = ordered;
  other.set_order_reference("hello");
  CHECK(denied(Watiqa({ordered}), other));
  other = ordered;
  other.set_kind(v1::EXTRACT);
  CHECK(denied(Watiqa({ordered}), other));
  other = ordered;
  other.set_request_id(core::NewUuidV7());
  CHECK(denied(Watiqa({ordered}), other));
  // Another service with the very grant.
  CHECK(denied(Watiqa({ordered}, "service:chikaya"), ordered));
  // No order reference: named.
  v1::IssueCopyRequest unordered = CopyOf(act.id(), v1::FULL_COPY);
  auto missing = f.registry().IssueCopy(Watiqa({unordered}), unordered);
  CHECK(missing.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(core::FieldViolationsOf(missing.status()).at(0).field == "order_reference");
  CHECK(f.Count("SELECT count(*) FROM documents") == 0);

  // The granted request is served, and again (the same document) when it is repeated.
  auto issued = f.registry().IssueCopy(Watiqa({ordered}), ordered);
  INFO(issued.status().ToString());
  REQUIRE(issued.ok());
  auto repeated = f.registry().IssueCopy(Watiqa({ordered}), ordered);
  REQUIRE(repeated.ok());
  CHECK(repeated->id() == issued->id());
  CHECK(f.Count("SELECT count(*) FROM documents") == 1);
}

TEST_CASE("sgec documents: who may issue and read copies", "[integration][sgec][documents]") {
  SgecFixture f;
  v1::Act act = f.Registered(f.BirthOf(2));
  // The person (by IDCS) may have a copy; another citizen, another commune's staff may not.
  Caller person = C(P("citizen-1", {"citizen"}, {"MA"}, act.idcs()));
  auto own = f.registry().IssueCopy(person, CopyOf(act.id(), v1::EXTRACT));
  INFO(own.status().ToString());
  REQUIRE(own.ok());
  Caller stranger = C(P("citizen-2", {"citizen"}, {"MA"}, "1234567897"));
  CHECK(f.registry().IssueCopy(stranger, CopyOf(act.id(), v1::EXTRACT)).status().code() ==
        absl::StatusCode::kNotFound);
  CHECK(
      f.registry().IssueCopy(f.Agent(kCasablanca), CopyOf(act.id(), v1::EXTRACT)).status().code() ==
      absl::StatusCode::kNotFound);
  Caller facility = C(P("clinic", {"health_facility"}, {kAssilah}));
  CHECK(f.registry().IssueCopy(facility, CopyOf(act.id(), v1::EXTRACT)).status().code() ==
        absl::StatusCode::kPermissionDenied);
  auto unspecified =
      f.registry().IssueCopy(f.Officer(), CopyOf(act.id(), v1::COPY_KIND_UNSPECIFIED));
  CHECK(unspecified.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(core::FieldViolationsOf(unspecified.status()).at(0).field == "kind");

  v1::GetDocumentRequest get;
  get.set_id(own->id());
  CHECK(f.registry().GetDocument(person, get).ok());
  CHECK(f.registry().GetDocumentPdf(person, get).ok());
  CHECK(f.registry().GetDocument(stranger, get).status().code() == absl::StatusCode::kNotFound);
  CHECK(f.registry().GetDocumentPdf(f.Agent(kCasablanca), get).status().code() ==
        absl::StatusCode::kNotFound);
}

TEST_CASE("sgec documents: a citizen lists their acts and the documents issued of them",
          "[integration][sgec][documents]") {
  SgecFixture f;
  // A mother and her child (the birth act names her by IDCS), and a stranger.
  v1::Act mother = f.Registered(f.AdultBirthOf(30));
  v1::DeclareBirthRequest birth = f.BirthOf(31);
  birth.mutable_birth()->mutable_mother()->set_idcs(mother.idcs());
  v1::Act child = f.Registered(birth);
  v1::Act other = f.Registered(f.BirthOf(32));
  Caller person = C(P("citizen-mother", {"citizen"}, {"MA"}, mother.idcs()));

  v1::ListMyActsRequest acts_request;
  auto acts = f.registry().ListMyActs(person, acts_request);
  INFO(acts.status().ToString());
  REQUIRE(acts.ok());
  REQUIRE(acts->acts_size() == 2);
  CHECK(acts->acts(0).act().id() == mother.id());
  CHECK(acts->acts(0).relation() == v1::ACT_RELATION_SUBJECT);
  CHECK(acts->acts(0).act().reference() == mother.reference());
  CHECK(acts->acts(1).act().id() == child.id());
  CHECK(acts->acts(1).relation() == v1::ACT_RELATION_MOTHER);
  // One by one: the cursor moves, nothing twice.
  acts_request.set_page_size(1);
  auto page = f.registry().ListMyActs(person, acts_request);
  REQUIRE(page.ok());
  REQUIRE(page->acts_size() == 1);
  acts_request.set_page_token(page->next_page_token());
  auto next = f.registry().ListMyActs(person, acts_request);
  REQUIRE(next.ok());
  REQUIRE(next->acts_size() == 1);
  CHECK(next->acts(0).act().id() == child.id());
  CHECK(next->next_page_token().empty());

  // Documents of her acts, whoever asked for them, newest first; not those of another's act.
  auto own = f.registry().IssueCopy(person, CopyOf(mother.id(), v1::EXTRACT));
  auto childs = f.registry().IssueCopy(f.Officer(), CopyOf(child.id(), v1::FULL_COPY));
  REQUIRE(f.registry().IssueCopy(f.Officer(), CopyOf(other.id(), v1::EXTRACT)).ok());
  REQUIRE(own.ok());
  REQUIRE(childs.ok());
  v1::RevokeDocumentRequest revoke;
  revoke.set_request_id(core::NewUuidV7());
  revoke.set_id(own->id());
  revoke.set_reason("erreur matérielle");
  REQUIRE(f.registry().RevokeDocument(f.Officer(), revoke).ok());
  auto docs = f.registry().ListMyDocuments(person, {});
  INFO(docs.status().ToString());
  REQUIRE(docs.ok());
  REQUIRE(docs->documents_size() == 2);
  CHECK(docs->documents(0).id() == childs->id());
  CHECK(docs->documents(0).kind() == "sgec.FULL_COPY");
  CHECK(docs->documents(0).canonical_content().empty());
  CHECK(docs->documents(0).verification_url() ==
        "https://zeropapier.test/v/" + childs->verification_code());
  CHECK(docs->documents(1).id() == own->id());
  CHECK(docs->documents(1).status() == documents::v1::REVOKED);
  CHECK(docs->documents(1).revocation_reason() == "erreur matérielle");

  // Nobody else's: a token without an IDCS has none; staff and bad tokens are refused.
  Caller no_idcs = C(P("citizen-without", {"citizen"}, {"MA"}));
  CHECK(f.registry().ListMyActs(no_idcs, {})->acts_size() == 0);
  CHECK(f.registry().ListMyDocuments(no_idcs, {})->documents_size() == 0);
  CHECK(f.registry().ListMyActs(f.Officer(), {}).status().code() ==
        absl::StatusCode::kPermissionDenied);
  CHECK(f.registry().ListMyDocuments(f.Agent(), {}).status().code() ==
        absl::StatusCode::kPermissionDenied);
  v1::ListMyDocumentsRequest bad;
  bad.set_page_token("not-a-token");
  CHECK(core::FieldViolationsOf(f.registry().ListMyDocuments(person, bad).status()).at(0).field ==
        "page_token");
}

TEST_CASE("sgec documents: verification of valid, unknown, revoked and tampered documents",
          "[integration][sgec][documents]") {
  SgecFixture f;
  v1::Act act = f.Registered(f.BirthOf(3));
  auto doc = f.registry().IssueCopy(f.Officer(), CopyOf(act.id(), v1::EXTRACT));
  REQUIRE(doc.ok());
  const Caller anonymous{};

  // As printed, in lower case: authentic, with the summary and nothing more.
  v1::VerifyDocumentRequest verify;
  verify.set_code(absl::AsciiStrToLower(documents::FormatCode(doc->verification_code())));
  auto v = f.registry().VerifyDocument(anonymous, verify);
  INFO(v.status().ToString());
  REQUIRE(v.ok());
  CHECK(v->authentic());
  CHECK(v->status() == documents::v1::VALID);
  CHECK_FALSE(v->tampered());
  CHECK(v->issuer().code() == kAssilah);
  CHECK(v->issue_time().seconds() == doc->issue_time().seconds());
  CHECK(v->summary().SerializeAsString() == doc->summary().SerializeAsString());
  bool named = false;
  for (const auto& line : v->summary().lines()) {
    named =
        named || line.value().fr().find(act.birth().child().given_name().fr()) != std::string::npos;
  }
  CHECK(named);

  // Unknown and malformed codes.
  verify.set_code("ABCD-EFGH-JKMN");
  CHECK(f.registry().VerifyDocument(anonymous, verify).status().code() ==
        absl::StatusCode::kNotFound);
  verify.set_code("ABCD-EFGH-JKM0");
  auto malformed = f.registry().VerifyDocument(anonymous, verify);
  CHECK(malformed.status().code() == absl::StatusCode::kInvalidArgument);
  CHECK(core::FieldViolationsOf(malformed.status()).at(0).field == "code");

  // Revocation: an officer of the territory, once, with a reason.
  v1::RevokeDocumentRequest revoke;
  revoke.set_request_id(core::NewUuidV7());
  revoke.set_id(doc->id());
  CHECK(f.registry().RevokeDocument(f.Officer(), revoke).status().code() ==
        absl::StatusCode::kInvalidArgument);  // no reason
  revoke.set_reason("issued on a wrong request");
  CHECK(f.registry().RevokeDocument(f.Agent(), revoke).status().code() ==
        absl::StatusCode::kPermissionDenied);
  CHECK(f.registry().RevokeDocument(f.Officer(kCasablanca), revoke).status().code() ==
        absl::StatusCode::kNotFound);
  auto revoked = f.registry().RevokeDocument(f.Officer(), revoke);
  REQUIRE(revoked.ok());
  CHECK(revoked->status() == documents::v1::REVOKED);
  revoke.set_request_id(core::NewUuidV7());
  CHECK(Reason(f.registry().RevokeDocument(f.Officer(), revoke).status()) ==
        "DOCUMENT_ALREADY_REVOKED");
  verify.set_code(doc->verification_code());
  v = f.registry().VerifyDocument(anonymous, verify);
  REQUIRE(v.ok());
  CHECK_FALSE(v->authentic());
  CHECK(v->status() == documents::v1::REVOKED);
  CHECK(v->revocation_reason() == "issued on a wrong request");

  // The stored content cannot be changed by the service's own SQL...
  auto another = f.registry().IssueCopy(f.Officer(), CopyOf(act.id(), v1::FULL_COPY));
  REQUIRE(another.ok());
  CHECK_FALSE(
      f.Sql("UPDATE documents SET signature = 'x' WHERE id = '" + another->id() + "'").ok());
  CHECK_FALSE(f.Sql("DELETE FROM documents WHERE id = '" + another->id() + "'").ok());
  // ...and when someone with the owner's rights does, one changed byte fails verification.
  REQUIRE(f.Sql("ALTER TABLE documents DISABLE TRIGGER documents_guarded").ok());
  REQUIRE(f.Sql("UPDATE documents SET canonical = overlay(canonical placing "
                "decode(CASE WHEN get_byte(canonical, 60) = 65 THEN '42' ELSE '41' END, 'hex') "
                "from 61 for 1) WHERE id = '" +
                another->id() + "'")
              .ok());
  REQUIRE(f.Sql("ALTER TABLE documents ENABLE TRIGGER documents_guarded").ok());
  verify.set_code(another->verification_code());
  v = f.registry().VerifyDocument(anonymous, verify);
  REQUIRE(v.ok());
  CHECK_FALSE(v->authentic());
  CHECK(v->tampered());
  CHECK(v->summary().lines_size() == 0);  // nothing read from an unverified content is answered
  v1::GetDocumentRequest get;
  get.set_id(another->id());
  CHECK(f.registry().GetDocument(f.Officer(), get).status().code() == absl::StatusCode::kDataLoss);
}

TEST_CASE("sgec documents: the PDF copy reads in Arabic and French, with its code",
          "[integration][sgec][documents]") {
  SgecFixture f;
  v1::DeclareBirthRequest birth = f.BirthOf(4);
  SetName(birth.mutable_birth()->mutable_child(), "يوسف", "Youssef", "العلوي", "Alaoui");
  SetName(birth.mutable_birth()->mutable_mother()->mutable_name(), "فاطمة", "Fatima", "بناني",
          "Bennani");
  SetName(birth.mutable_birth()->mutable_declarant()->mutable_name(), "محمد", "Mohamed", "العلوي",
          "Alaoui");
  birth.mutable_birth()->mutable_place()->mutable_address()->set_ar("مستشفى محمد الخامس");
  birth.mutable_birth()->mutable_place()->mutable_address()->set_fr("Hôpital Mohammed V");
  v1::Act act = f.Registered(birth);
  auto doc = f.registry().IssueCopy(f.Officer(), CopyOf(act.id(), v1::FULL_COPY));
  REQUIRE(doc.ok());
  v1::GetDocumentRequest get;
  get.set_id(doc->id());
  auto pdf = f.registry().GetDocumentPdf(f.Officer(), get);
  REQUIRE(pdf.ok());
  CHECK(pdf->content_type() == "application/pdf");
  zp::testing::PdfText text = zp::testing::ExtractPdfText(pdf->data());
  INFO(text.layout);
  for (const std::string& words :
       {std::string("Youssef"), std::string("Alaoui"), std::string("Fatima Bennani"),
        std::string("يوسف"), std::string("العلوي"), std::string("فاطمة بناني"),
        std::string("Copie intégrale d'acte de naissance"),
        std::string("نسخة كاملة من رسم الولادة"), act.reference(),
        documents::FormatCode(doc->verification_code()), doc->verification_url(),
        std::string("Bureau d'état civil d'Assilah"), std::string("مستشفى محمد الخامس"),
        std::string("Hôpital Mohammed V")}) {
    INFO(words);
    CHECK(text.Contains(words));
  }
  CHECK_FALSE(zp::testing::KeepPdfPage(pdf->data(), "sgec-full-copy").empty());
  CHECK_FALSE(text.Contains("ANNULÉ"));
  CHECK_FALSE(text.Contains("civil de Assilah"));

  // Revoked, it still downloads (the office keeps what it issued), marked so on every page.
  v1::RevokeDocumentRequest revoke;
  revoke.set_request_id(core::NewUuidV7());
  revoke.set_id(doc->id());
  revoke.set_reason("issued on a wrong request");
  REQUIRE(f.registry().RevokeDocument(f.Officer(), revoke).ok());
  auto revoked = f.registry().GetDocumentPdf(f.Officer(), get);
  REQUIRE(revoked.ok());
  zp::testing::PdfText marked = zp::testing::ExtractPdfText(revoked->data());
  INFO(marked.layout);
  CHECK(marked.Contains("ANNULÉ"));
  CHECK(marked.Contains("ANNULÉE le"));
  CHECK(marked.Contains("wrong request"));  // the reason
  CHECK(marked.Contains("ملغاة"));
  CHECK_FALSE(zp::testing::KeepPdfPage(revoked->data(), "sgec-revoked-copy").empty());
}

}  // namespace
}  // namespace zp::sgec
