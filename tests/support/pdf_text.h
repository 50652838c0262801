#pragma once

// Reading PDFs back as a person would: pdftotext (poppler-utils) for the text, pdftoppm for a
// picture of a page kept as a test artefact.
#include <string>

namespace zp::testing {

// The text of `pdf` (pdftotext -layout), and the same without whitespace or bidirectional
// marks: pdftotext spaces Arabic glyph clusters by their positions, so words are compared
// without spaces.
struct PdfText {
  std::string layout;
  std::string compact;
  bool Contains(const std::string& words) const;
};
PdfText ExtractPdfText(const std::string& pdf);

// Renders the first page to build/test-artefacts/<name>.png; returns its path ("" on failure).
std::string KeepPdfPage(const std::string& pdf, const std::string& name);

}  // namespace zp::testing
