#pragma once

// What a civil-status copy says: its signed content (zp.sgec.v1.CopyContent), the summary printed
// on it and answered by verification, and its PDF layout. Pure functions of the act.

#include <string>

#include "zp/documents/pdf.h"
#include "zp/documents/v1/documents.pb.h"
#include "zp/sgec/v1/sgec.pb.h"
#include "zp/territory/referential.h"

namespace zp::sgec {

// FULL_COPY: the act's current view and its mentions (staff identities removed); EXTRACT: the
// person's names, birth date and place, parents' names and the act reference.
v1::CopyContent BuildCopyContent(const v1::Act& act, const v1::Bureau& bureau, v1::CopyKind kind);

// Title, act reference, the person's names and birth date, issuing bureau: what is printed at the
// top of the copy and what VerifyDocument tells.
documents::v1::Summary CopySummary(const v1::CopyContent& content);

documents::PdfLayout CopyLayout(const documents::v1::Document& document,
                                const v1::CopyContent& content,
                                const territory::Referential& referential);

std::string CopyKindName(v1::CopyKind kind);  // "sgec.FULL_COPY", "sgec.EXTRACT"

}  // namespace zp::sgec
