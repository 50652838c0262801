// Free-text words for full-text search (complaints today, mail and documents next).
#include "zp/names/names.h"

#include <string>
#include <vector>

#include "catch2/catch.hpp"

namespace zp::names {
namespace {

using Words = std::vector<std::string>;

TEST_CASE("text words: split at punctuation of both scripts, normalised, each once", "[names]") {
  CHECK(TextWords("Lampadaire tombé, rue Ibn-Battouta ; l'éclairage (encore) !") ==
        Words{"lampadaire", "tombe", "rue", "ibn", "battouta", "eclairage", "encore"});
  CHECK(TextWords("Éclairage ÉCLAIRAGE éclairage") == Words{"eclairage"});
  // Arabic: diacritics dropped, alef and taa marbuta folded, Arabic punctuation separates.
  CHECK(TextWords("إنارةُ الشارعِ، معطلة؟") == Words{"اناره", "الشارع", "شارع", "معطله"});
  // Arabic-Indic digits read as ASCII; one-letter words are noise.
  CHECK(TextWords("رقم ١٢٣ و 45 a") == Words{"رقم", "123", "45"});
  CHECK(TextWords("").empty());
  CHECK(TextWords("...  ---").empty());
}

TEST_CASE("text words: the article and clinging particles, indexed both ways, queried bare",
          "[names]") {
  CHECK(TextWords("المصابيح والأعمدة بالحي") ==
        Words{"المصابيح", "مصابيح", "والاعمده", "اعمده", "بالحي", "حي"});
  CHECK(TextWords("المصابيح", WordsFor::kQuery) == Words{"مصابيح"});
  CHECK(TextWords("مصابيح", WordsFor::kQuery) == Words{"مصابيح"});
  // A word that is only an article and one letter keeps its article.
  CHECK(TextWords("الم", WordsFor::kQuery) == Words{"الم"});
}

}  // namespace
}  // namespace zp::names
