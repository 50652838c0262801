#pragma once

// The PDF rendering of a document, as an office hands it over: A4, bilingual (Arabic right to
// left, shaped by HarfBuzz through Pango; French left to right), a QR code of the verification URL
// and the code in clear. Cairo + Pango + libqrencode. A rendering only: the signed canonical
// content is the truth.

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace zp::documents {

struct Bilingual {
  std::string ar;
  std::string fr;
};

struct PdfLine {
  Bilingual label;
  Bilingual value;  // an empty side repeats the other (numbers, codes, references)
};

struct PdfSection {
  Bilingual title;
  std::vector<PdfLine> lines;
  std::vector<Bilingual> paragraphs;  // e.g. marginal mentions
};

struct PdfLayout {
  std::vector<Bilingual> header;  // "Royaume du Maroc", ministry, office
  Bilingual title;
  std::vector<PdfSection> sections;
  std::string verification_code;  // printed formatted
  std::string verification_url;   // in the QR code and in clear
  Bilingual issued;               // "Délivré le ... par ..."
  std::string footnote;           // document id, kid, digest
  // A revoked document: when and why, printed in a banner under the title and across every page
  // ("ANNULÉ / ملغى"), so that a printed revoked copy cannot pass for a valid one.
  Bilingual revoked;
};

absl::StatusOr<std::string> RenderPdf(const PdfLayout& layout);

}  // namespace zp::documents
