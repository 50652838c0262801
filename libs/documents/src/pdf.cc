#include "zp/documents/pdf.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>
#include <qrencode.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "zp/names/names.h"

namespace zp::documents {
namespace {

constexpr double kWidth = 595.28;  // A4 in points
constexpr double kHeight = 841.89;
constexpr double kMargin = 42;
constexpr double kGutter = 18;
constexpr double kColumn = (kWidth - 2 * kMargin - kGutter) / 2;
constexpr double kFooterHeight = 140;
// Arabic in a Naskh face (Amiri, fonts-hosny-amiri), French in DejaVu Sans; fontconfig falls back
// to any face that has the glyphs.
constexpr char kArabicFont[] = "Amiri";
constexpr char kLatinFont[] = "DejaVu Sans";

struct SurfaceDeleter {
  void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
};
struct CairoDeleter {
  void operator()(cairo_t* c) const { cairo_destroy(c); }
};
struct LayoutDeleter {
  void operator()(PangoLayout* l) const { g_object_unref(l); }
};
struct FontDeleter {
  void operator()(PangoFontDescription* f) const { pango_font_description_free(f); }
};
struct QrDeleter {
  void operator()(QRcode* q) const { QRcode_free(q); }
};

cairo_status_t Append(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

enum class Side { kLatin, kArabic };

struct AttrListDeleter {
  void operator()(PangoAttrList* l) const { pango_attr_list_unref(l); }
};

// A character that a Latin run holds: Latin letters, ASCII digits.
bool IsLatinCore(char32_t c) { return names::IsLatinLetter(c) || (c >= '0' && c <= '9'); }

// A word that reads as a reference (a digit and a separator: "ADL-TNG-2026-0042",
// "01.511.01.01/2026/12", "10/06/2026"): the byte ranges of such words, which a line never breaks
// inside, in the French column as in the Arabic one.
std::vector<std::pair<int, int>> ReferenceWords(const std::string& text) {
  std::vector<std::pair<int, int>> out;
  for (size_t i = 0; i < text.size();) {
    if (text[i] == ' ') {
      ++i;
      continue;
    }
    const size_t begin = i;
    bool digit = false, separator = false;
    while (i < text.size() && text[i] != ' ') {
      digit = digit || (text[i] >= '0' && text[i] <= '9');
      separator = separator || text[i] == '-' || text[i] == '/' || text[i] == '.';
      ++i;
    }
    if (digit && separator) out.emplace_back(static_cast<int>(begin), static_cast<int>(i));
  }
  return out;
}

}  // namespace

std::string IsolateLatinRuns(const std::string& text,
                             std::vector<std::pair<int, int>>* unbreakable) {
  constexpr absl::string_view kLri = "\u2066", kPdi = "\u2069";
  // The words (between spaces) of the text; a Latin word holds no Arabic letter and one Latin
  // letter or digit. Adjacent Latin words form one run, from the first Latin character of the
  // first to the last of the last (punctuation around it stays in the Arabic flow).
  struct Word {
    size_t begin, end;            // bytes of the word
    size_t core_begin, core_end;  // bytes of its Latin characters' span
    bool latin;
  };
  std::vector<Word> words;
  for (size_t i = 0; i < text.size();) {
    if (text[i] == ' ') {
      ++i;
      continue;
    }
    Word w{i, i, std::string::npos, i, false};
    bool arabic = false;
    while (i < text.size() && text[i] != ' ') {
      const size_t at = i;
      const char32_t c = names::NextCodePoint(text, i);
      if (names::IsArabicLetter(c)) arabic = true;
      if (IsLatinCore(c)) {
        if (w.core_begin == std::string::npos) w.core_begin = at;
        w.core_end = i;
      }
    }
    w.end = i;
    w.latin = !arabic && w.core_begin != std::string::npos;
    words.push_back(w);
  }
  std::string out;
  size_t copied = 0;
  for (size_t k = 0; k < words.size();) {
    if (!words[k].latin) {
      ++k;
      continue;
    }
    size_t last = k;
    while (last + 1 < words.size() && words[last + 1].latin) ++last;
    const size_t begin = words[k].core_begin, end = words[last].core_end;
    out.append(text, copied, begin - copied);
    const int run_begin = static_cast<int>(out.size());
    absl::StrAppend(&out, kLri, absl::string_view(text).substr(begin, end - begin), kPdi);
    if (unbreakable != nullptr) {
      unbreakable->emplace_back(run_begin, static_cast<int>(out.size()));
    }
    copied = end;
    k = last + 1;
  }
  out.append(text, copied, std::string::npos);
  return out;
}

namespace {

class Page {
 public:
  explicit Page(cairo_t* cr) : cr_(cr) {}

  // Draws `text` in a box of `width` at (x, y_) and returns its height. Arabic paragraphs take
  // their direction from their text (right to left) and align to the box's right edge.
  double Text(const std::string& text, Side side, double size, bool bold, double x, double width,
              PangoAlignment align, double y) {
    if (text.empty()) return 0;
    std::unique_ptr<PangoLayout, LayoutDeleter> layout(pango_cairo_create_layout(cr_));
    std::unique_ptr<PangoFontDescription, FontDeleter> font(pango_font_description_new());
    pango_font_description_set_family(font.get(), side == Side::kArabic ? kArabicFont : kLatinFont);
    pango_font_description_set_absolute_size(
        font.get(), (side == Side::kArabic ? size * 1.1 : size) * PANGO_SCALE);
    pango_font_description_set_weight(font.get(), bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_layout_set_font_description(layout.get(), font.get());
    pango_layout_set_width(layout.get(), static_cast<int>(width * PANGO_SCALE));
    pango_layout_set_wrap(layout.get(), PANGO_WRAP_WORD_CHAR);
    pango_layout_set_auto_dir(layout.get(), TRUE);
    if (side == Side::kArabic && align == PANGO_ALIGN_LEFT) align = PANGO_ALIGN_RIGHT;
    // With auto_dir, LEFT and RIGHT are swapped in right-to-left paragraphs: ask for the side
    // meant, in the paragraph's own terms.
    if (side == Side::kArabic && align == PANGO_ALIGN_RIGHT) align = PANGO_ALIGN_LEFT;
    pango_layout_set_alignment(layout.get(), align);
    std::vector<std::pair<int, int>> unbreakable;
    const std::string drawn = side == Side::kArabic ? IsolateLatinRuns(text, &unbreakable) : text;
    if (side == Side::kLatin) unbreakable = ReferenceWords(text);
    pango_layout_set_text(layout.get(), drawn.data(), static_cast<int>(drawn.size()));
    if (!unbreakable.empty()) {
      std::unique_ptr<PangoAttrList, AttrListDeleter> attrs(pango_attr_list_new());
      for (const auto& [begin, end] : unbreakable) {
        PangoAttribute* no_break = pango_attr_allow_breaks_new(FALSE);
        no_break->start_index = static_cast<guint>(begin);
        no_break->end_index = static_cast<guint>(end);
        pango_attr_list_insert(attrs.get(), no_break);
      }
      pango_layout_set_attributes(layout.get(), attrs.get());
    }
    cairo_move_to(cr_, x, y);
    pango_cairo_show_layout(cr_, layout.get());
    int w = 0, h = 0;
    pango_layout_get_size(layout.get(), &w, &h);
    return static_cast<double>(h) / PANGO_SCALE;
  }

  // French on the left column, Arabic on the right one, on one band; returns the band's height.
  double Row(const std::string& fr, const std::string& ar, double size, bool bold, double y) {
    const double left = Text(fr, Side::kLatin, size, bold, kMargin, kColumn, PANGO_ALIGN_LEFT, y);
    const double right = Text(ar, Side::kArabic, size, bold, kMargin + kColumn + kGutter, kColumn,
                              PANGO_ALIGN_RIGHT, y);
    return std::max(left, right);
  }

  void Rule(double y, double width = 0.6) {
    cairo_set_line_width(cr_, width);
    cairo_move_to(cr_, kMargin, y);
    cairo_line_to(cr_, kWidth - kMargin, y);
    cairo_stroke(cr_);
  }

  // The QR code of `text` at (x, y), `size` points wide including its quiet zone.
  absl::Status Qr(const std::string& text, double x, double y, double size) {
    std::unique_ptr<QRcode, QrDeleter> qr(
        QRcode_encodeString(text.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1));
    if (qr == nullptr) return absl::InternalError("QR code: cannot encode the verification URL");
    const int quiet = 4;
    const double module = size / (qr->width + 2 * quiet);
    for (int row = 0; row < qr->width; ++row) {
      for (int col = 0; col < qr->width; ++col) {
        if (qr->data[row * qr->width + col] & 1) {
          cairo_rectangle(cr_, x + (col + quiet) * module, y + (row + quiet) * module, module,
                          module);
        }
      }
    }
    cairo_fill(cr_);
    return absl::OkStatus();
  }

 private:
  cairo_t* cr_;
};

std::string Either(const std::string& a, const std::string& b) { return a.empty() ? b : a; }

}  // namespace

absl::StatusOr<std::string> RenderPdf(const PdfLayout& layout) {
  std::string out;
  std::unique_ptr<cairo_surface_t, SurfaceDeleter> surface(
      cairo_pdf_surface_create_for_stream(Append, &out, kWidth, kHeight));
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
    return absl::InternalError("PDF: cannot create the surface");
  }
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE,
                                 absl::StrCat(layout.revoked.fr.empty() ? "" : "ANNULÉ - ",
                                              layout.title.fr, " / ", layout.title.ar)
                                     .c_str());
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR, "zeropapier");
  std::unique_ptr<cairo_t, CairoDeleter> holder(cairo_create(surface.get()));
  cairo_t* cr = holder.get();
  cairo_set_source_rgb(cr, 0, 0, 0);
  Page page(cr);
  const bool revoked = !layout.revoked.fr.empty() || !layout.revoked.ar.empty();
  // Across the page, under the text: ANNULÉ / ملغى in red.
  auto watermark = [&]() {
    if (!revoked) return;
    cairo_save(cr);
    cairo_set_source_rgba(cr, 0.8, 0, 0, 0.22);
    cairo_translate(cr, kWidth / 2, kHeight / 2);
    cairo_rotate(cr, -0.9);
    page.Text("ANNULÉ", Side::kLatin, 90, true, -kWidth / 2, kWidth, PANGO_ALIGN_CENTER, -110);
    page.Text("ملغى", Side::kArabic, 90, true, -kWidth / 2, kWidth, PANGO_ALIGN_CENTER, 0);
    cairo_restore(cr);
  };
  watermark();

  double y = kMargin;
  for (const Bilingual& line : layout.header) y += page.Row(line.fr, line.ar, 9, true, y) + 1;
  y += 6;
  page.Rule(y, 1.2);
  y += 14;
  y += page.Text(layout.title.ar, Side::kArabic, 17, true, kMargin, kWidth - 2 * kMargin,
                 PANGO_ALIGN_CENTER, y) +
       2;
  y += page.Text(layout.title.fr, Side::kLatin, 15, true, kMargin, kWidth - 2 * kMargin,
                 PANGO_ALIGN_CENTER, y) +
       14;
  if (revoked) {
    cairo_save(cr);
    cairo_set_source_rgb(cr, 0.75, 0, 0);
    y += page.Row(layout.revoked.fr, layout.revoked.ar, 11, true, y) + 4;
    page.Rule(y, 1.2);
    cairo_restore(cr);
    y += 10;
  }

  auto ensure_room = [&](double needed) {
    if (y + needed <= kHeight - kMargin - kFooterHeight) return;
    cairo_show_page(cr);
    watermark();
    y = kMargin;
  };
  for (const PdfSection& section : layout.sections) {
    ensure_room(40);
    y += page.Row(section.title.fr, section.title.ar, 10.5, true, y) + 1;
    page.Rule(y);
    y += 5;
    for (const PdfLine& line : section.lines) {
      ensure_room(18);
      const std::string fr =
          absl::StrCat(line.label.fr, " : ", Either(line.value.fr, line.value.ar));
      const std::string ar =
          absl::StrCat(line.label.ar, ": ", Either(line.value.ar, line.value.fr));
      y += page.Row(fr, ar, 9, false, y) + 1;
    }
    for (const Bilingual& paragraph : section.paragraphs) {
      ensure_room(30);
      y += page.Row(paragraph.fr, paragraph.ar, 9, false, y) + 5;
    }
    y += 6;
  }

  // Footer of the last page: the QR code, the code in clear, where and when it was issued.
  const double top = kHeight - kMargin - kFooterHeight + 10;
  page.Rule(top - 6, 1.2);
  const double qr_size = 110;
  if (auto s = page.Qr(layout.verification_url, kMargin - 8, top, qr_size); !s.ok()) return s;
  const double x = kMargin + qr_size + 4;
  const double width = kWidth - kMargin - x;
  double fy = top + 6;
  fy += page.Text("رمز التحقق", Side::kArabic, 10, true, x, width, PANGO_ALIGN_RIGHT, fy);
  page.Text("Code de vérification", Side::kLatin, 10, true, x, width, PANGO_ALIGN_LEFT, fy - 14);
  fy += page.Text(layout.verification_code, Side::kLatin, 16, true, x, width, PANGO_ALIGN_CENTER,
                  fy) +
        4;
  fy += page.Text(layout.verification_url, Side::kLatin, 7.5, false, x, width, PANGO_ALIGN_CENTER,
                  fy) +
        4;
  fy += page.Text(layout.issued.ar, Side::kArabic, 8.5, false, x, width, PANGO_ALIGN_RIGHT, fy);
  fy += page.Text(layout.issued.fr, Side::kLatin, 8.5, false, x, width, PANGO_ALIGN_LEFT, fy) + 3;
  page.Text(layout.footnote, Side::kLatin, 6, false, x, width, PANGO_ALIGN_LEFT, fy);

  cairo_show_page(cr);
  holder.reset();
  cairo_surface_finish(surface.get());
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
    return absl::InternalError("PDF: rendering failed");
  }
  surface.reset();
  return out;
}

}  // namespace zp::documents
