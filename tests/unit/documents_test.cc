// libs/documents without a server: verification codes, the canonical content, ECDSA signatures
// and key ids, the PDF rendering read back with poppler.
#include "zp/documents/documents.h"

#include <filesystem>
#include <set>

#include "catch2/catch.hpp"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"
#include "tests/support/keys.h"
#include "tests/support/pdf_text.h"
#include "zp/common/v1/common.pb.h"
#include "zp/documents/codes.h"
#include "zp/documents/pdf.h"
#include "zp/documents/signing.h"

namespace zp::documents {
namespace {

TEST_CASE("documents: verification codes are 12 unambiguous characters", "[unit][documents]") {
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) {
    std::string code = NewVerificationCode();
    REQUIRE(code.size() == kCodeLength);
    for (char c : code) REQUIRE(kCodeAlphabet.find(c) != absl::string_view::npos);
    seen.insert(code);
  }
  CHECK(seen.size() == 10000);
  for (char confusable : std::string("01ILO")) {
    CHECK(kCodeAlphabet.find(confusable) == absl::string_view::npos);
  }
  CHECK(FormatCode("ABCD2345EFGH") == "ABCD-2345-EFGH");
  CHECK(NormalizeCode("abcd-2345-efgh") == std::optional<std::string>("ABCD2345EFGH"));
  CHECK(NormalizeCode(" ABCD 2345 EFGH ") == std::optional<std::string>("ABCD2345EFGH"));
  CHECK_FALSE(NormalizeCode("ABCD-2345-EFG").has_value());    // too short
  CHECK_FALSE(NormalizeCode("ABCD-2345-EFGHJ").has_value());  // too long
  CHECK_FALSE(NormalizeCode("ABCD-2345-EFG0").has_value());   // 0 is not in the alphabet
  CHECK_FALSE(NormalizeCode("ABCD-2345-EFG'").has_value());
  CHECK(CodeDigest("ABCD2345EFGH").size() == 32);
  CHECK(ConstantTimeEquals("ABCD", "ABCD"));
  CHECK_FALSE(ConstantTimeEquals("ABCD", "ABCE"));
  CHECK_FALSE(ConstantTimeEquals("ABCD", "ABC"));
}

v1::SignedContent FixedContent() {
  v1::SignedContent c;
  c.set_document_id("01a22100-0000-7000-8000-000000000001");
  c.set_kind("sgec.EXTRACT");
  c.set_subject("acts/01a22100-0000-7000-8000-0000000000aa");
  c.mutable_issuer()->set_code("01.511.01.01");
  c.mutable_issuer()->mutable_name()->set_ar("مكتب الحالة المدنية أصيلة");
  c.mutable_issuer()->mutable_name()->set_fr("Bureau d'état civil de Assilah");
  *c.mutable_issue_time() =
      google::protobuf::util::TimeUtil::MicrosecondsToTimestamp(1795858374951804);
  c.set_verification_code("U3632EE3RZTH");
  c.mutable_summary()->mutable_title()->set_fr("Extrait d'acte de naissance");
  auto* line = c.mutable_summary()->add_lines();
  line->mutable_label()->set_fr("Nom complet");
  line->mutable_value()->set_ar("يوسف العلوي");
  line->mutable_value()->set_fr("Youssef Alaoui");
  common::v1::LocalizedText content;
  content.set_ar("يوسف");
  content.set_fr("Youssef");
  c.mutable_content()->PackFrom(content);
  return c;
}

TEST_CASE("documents: the canonical content is byte-identical, run after run",
          "[unit][documents]") {
  // The expected bytes are written out here: any change of serialisation (field order, escaping,
  // timestamps, whitespace) fails this test before it changes what documents sign.
  const std::string expected =
      R"({"documentId":"01a22100-0000-7000-8000-000000000001","kind":"sgec.EXTRACT",)"
      R"("subject":"acts/01a22100-0000-7000-8000-0000000000aa","issuer":{"code":"01.511.01.01",)"
      R"("name":{"ar":"مكتب الحالة المدنية أصيلة","fr":"Bureau d'état civil de Assilah"}},)"
      R"("issueTime":"2026-11-28T09:32:54.951804Z","verificationCode":"U3632EE3RZTH",)"
      R"("summary":{"title":{"fr":"Extrait d'acte de naissance"},"lines":[{"label":{"fr":"Nom complet"},)"
      R"("value":{"ar":"يوسف العلوي","fr":"Youssef Alaoui"}}]},)"
      R"("content":{"@type":"type.googleapis.com/zp.common.v1.LocalizedText","ar":"يوسف","fr":"Youssef"}})";
  auto first = CanonicalJson(FixedContent());
  REQUIRE(first.ok());
  CHECK(*first == expected);
  CHECK(*CanonicalJson(FixedContent()) == *first);
  // Read back and written again: the same bytes.
  v1::SignedContent parsed;
  REQUIRE(google::protobuf::util::JsonStringToMessage(*first, &parsed).ok());
  CHECK(*CanonicalJson(parsed) == *first);
}

TEST_CASE("documents: a signature verifies with the public key and fails after any byte changes",
          "[unit][documents]") {
  auto signer = Signer::FromPem(zp::testing::GenerateEcKeyPair().private_pem);
  REQUIRE(signer.ok());
  const std::string content = *CanonicalJson(FixedContent());
  auto signature = (*signer)->Sign(content);
  REQUIRE(signature.ok());
  const auth::v1::JsonWebKey& key = (*signer)->public_key();
  CHECK(key.kid() == (*signer)->kid());
  CHECK(key.kid() == Thumbprint(key));
  CHECK(key.alg() == "ES256");
  CHECK(VerifySignature(key, content, *signature).ok());

  // Every single byte changed, one at a time.
  int refused = 0;
  for (size_t i = 0; i < content.size(); ++i) {
    std::string changed = content;
    changed[i] = static_cast<char>(changed[i] ^ 0x01);
    refused +=
        VerifySignature(key, changed, *signature).code() == absl::StatusCode::kPermissionDenied;
  }
  CHECK(refused == static_cast<int>(content.size()));
  // Another key, a truncated signature.
  auto other = Signer::FromPem(zp::testing::GenerateEcKeyPair().private_pem);
  REQUIRE(other.ok());
  CHECK((*other)->kid() != (*signer)->kid());
  CHECK_FALSE(VerifySignature((*other)->public_key(), content, *signature).ok());
  CHECK_FALSE(VerifySignature(key, content, signature->substr(0, signature->size() - 4)).ok());
  // The same key read again has the same kid.
  CHECK_FALSE(Signer::FromPem("not a key").ok());
}

TEST_CASE("documents: the PDF reads back in Arabic and French, with the code and a QR code",
          "[unit][documents]") {
  PdfLayout layout;
  layout.header = {{"المملكة المغربية", "Royaume du Maroc"}};
  layout.title = {"مستخرج من رسم الولادة", "Extrait d'acte de naissance"};
  PdfSection person{{"صاحب الرسم", "Titulaire"}, {}, {}};
  person.lines.push_back({{"الاسم الكامل", "Nom complet"}, {"يوسف العلوي", "Youssef Alaoui"}});
  person.lines.push_back({{"الأم", "Mère"}, {"فاطمة بناني", "Fatima Bennani"}});
  person.lines.push_back({{"رقم الرسم", "Acte n°"}, {"", "01.511.01.01/2026/1"}});
  layout.sections.push_back(person);
  PdfSection mentions{{"البيانات الهامشية", "Mentions marginales"}, {}, {}};
  mentions.paragraphs.push_back({"زواج بتاريخ 01/06/2030", "Mariage le 01/06/2030"});
  layout.sections.push_back(mentions);
  layout.verification_code = "U363-2EE3-RZTH";
  layout.verification_url = "https://zeropapier.test/v1/sgec/verify/U3632EE3RZTH";
  layout.issued = {"سلمت بتاريخ 28/11/2026", "Délivré le 28/11/2026"};
  layout.footnote = "Document 01a22100";
  auto pdf = RenderPdf(layout);
  REQUIRE(pdf.ok());
  CHECK(pdf->substr(0, 5) == "%PDF-");
  zp::testing::PdfText text = zp::testing::ExtractPdfText(*pdf);
  INFO(text.layout);
  for (const char* words :
       {"Youssef Alaoui", "Fatima Bennani", "Extrait d'acte de naissance", "U363-2EE3-RZTH",
        "01.511.01.01/2026/1", "Mariage le 01/06/2030", "يوسف العلوي", "فاطمة بناني",
        "المملكة المغربية", "https://zeropapier.test/v1/sgec/verify/U3632EE3RZTH"}) {
    INFO(words);
    CHECK(text.Contains(words));
  }
  CHECK_FALSE(zp::testing::KeepPdfPage(*pdf, "documents-unit-extract").empty());
}

TEST_CASE("documents: Latin runs in the Arabic column are isolated and never broken",
          "[unit][documents]") {
  std::vector<std::pair<int, int>> ranges;
  const std::string lri = "\u2066", pdi = "\u2069";
  CHECK(IsolateLatinRuns("زواج بعقد رقم ADL-TNG-2026-0042، مع El Fassi.", &ranges) ==
        "زواج بعقد رقم " + lri + "ADL-TNG-2026-0042" + pdi + "، مع " + lri + "El Fassi" + pdi +
            ".");
  REQUIRE(ranges.size() == 2);
  const std::string shown =
      IsolateLatinRuns("زواج بعقد رقم ADL-TNG-2026-0042، مع El Fassi.", nullptr);
  CHECK(shown.substr(ranges[0].first, ranges[0].second - ranges[0].first) ==
        lri + "ADL-TNG-2026-0042" + pdi);
  ranges.clear();
  CHECK(IsolateLatinRuns("يوسف العلوي", &ranges) == "يوسف العلوي");  // nothing to isolate
  CHECK(ranges.empty());
  CHECK(IsolateLatinRuns("", &ranges).empty());
  // Digits are a run as well (references, dates); a word mixing scripts is Arabic's.
  CHECK(IsolateLatinRuns("رقم 01.511.01.01/2026/12", nullptr) ==
        "رقم " + lri + "01.511.01.01/2026/12" + pdi);
  CHECK(IsolateLatinRuns("بASSILAH", nullptr) == "بASSILAH");
}

TEST_CASE("documents: a long reference in the Arabic column stays whole on its line",
          "[unit][documents]") {
  PdfLayout layout;
  layout.title = {"نسخة كاملة من رسم الولادة", "Copie intégrale d'acte de naissance"};
  PdfSection mentions{{"البيانات الهامشية", "Mentions marginales"}, {}, {}};
  // Long enough that the Arabic column wraps around the reference.
  mentions.paragraphs.push_back(
      {"تزوج المعني بالأمر بتاريخ 10/06/2026 بموجب عقد الزواج رقم ADL-TNG-2026-0042-REG-000123 "
       "المحرر لدى قسم قضاء الأسرة بطنجة",
       "Marié le 10/06/2026 par l'acte n° ADL-TNG-2026-0042-REG-000123 dressé à Tanger"});
  layout.sections.push_back(mentions);
  layout.verification_code = "U363-2EE3-RZTH";
  layout.verification_url = "https://zeropapier.test/v/U3632EE3RZTH";
  auto pdf = RenderPdf(layout);
  REQUIRE(pdf.ok());
  zp::testing::PdfText text = zp::testing::ExtractPdfText(*pdf);
  INFO(text.layout);
  // Once in each column, each time whole and in order.
  size_t found = 0;
  for (size_t at = text.layout.find("ADL-TNG-2026-0042-REG-000123"); at != std::string::npos;
       at = text.layout.find("ADL-TNG-2026-0042-REG-000123", at + 1)) {
    ++found;
  }
  CHECK(found == 2);
  CHECK_FALSE(zp::testing::KeepPdfPage(*pdf, "documents-unit-latin-run").empty());
}

}  // namespace
}  // namespace zp::documents
