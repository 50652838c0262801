#pragma once

// The PDF rendering of a document, as an office hands it over: A4, bilingual (Arabic right to
// left, shaped by HarfBuzz through Pango; French left to right), a QR code of the verification URL
// and the code in clear. Cairo + Pango + libqrencode. A rendering only: the signed canonical
// content is the truth.

#include <string>
#include <utility>
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

// Text of the Arabic column as it is drawn: each run of Latin words and digits (a contract number
// "ADL-TNG-2026-0042", a name "El Fassi", a reference "01.511.01.01/2026/12") isolated left to
// right (U+2066 ... U+2069), so that the bidirectional algorithm keeps its characters in order;
// `unbreakable` receives the byte ranges [begin, end) of the result that a line never breaks
// inside.
std::string IsolateLatinRuns(const std::string& arabic,
                             std::vector<std::pair<int, int>>* unbreakable);

}  // namespace zp::documents
