#include "tests/support/pdf_text.h"

#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_env.h"

namespace zp::testing {
namespace {

std::string Compact(const std::string& text) {
  std::string out = absl::StrReplaceAll(text, {{"\u200e", ""},
                                               {"\u200f", ""},
                                               {"\u202a", ""},
                                               {"\u202b", ""},
                                               {"\u202c", ""},
                                               {"\u202d", ""},
                                               {"\u202e", ""},
                                               {"\u2066", ""},
                                               {"\u2067", ""},
                                               {"\u2068", ""},
                                               {"\u2069", ""}});
  std::string compact;
  for (char c : out) {
    if (c != ' ' && c != '\n' && c != '\t' && c != '\f' && c != '\r') compact.push_back(c);
  }
  return compact;
}

std::string WriteTemp(const std::string& pdf) {
  const std::string path =
      (std::filesystem::temp_directory_path() / UniqueName("zp-pdf-")).string() + ".pdf";
  std::ofstream(path, std::ios::binary) << pdf;
  return path;
}

}  // namespace

bool PdfText::Contains(const std::string& words) const {
  return compact.find(Compact(words)) != std::string::npos;
}

PdfText ExtractPdfText(const std::string& pdf) {
  const std::string path = WriteTemp(pdf);
  PdfText text;
  text.layout = CommandOutput(absl::StrCat("pdftotext -layout ", path, " - 2>/dev/null"));
  text.compact = Compact(text.layout);
  std::filesystem::remove(path);
  return text;
}

std::string KeepPdfPage(const std::string& pdf, const std::string& name) {
  const std::string path = WriteTemp(pdf);
  const std::string dir = BinaryDir() + "/test-artefacts";
  std::filesystem::create_directories(dir);
  const std::string stem = dir + "/" + name;
  CommandOutput(
      absl::StrCat("pdftoppm -r 100 -png -singlefile -f 1 -l 1 ", path, " ", stem, " 2>&1"));
  std::filesystem::remove(path);
  const std::string png = stem + ".png";
  return std::filesystem::exists(png) ? png : "";
}

}  // namespace zp::testing
