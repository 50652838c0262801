#pragma once

// The registry's name rules come from libs/names.
#include "zp/names/names.h"

namespace zp::sgec {
using names::IsArabicScript;
using names::IsLatinScript;
using names::NameKey;
using names::NameLexemes;
using names::NormalizeName;
}  // namespace zp::sgec
