#pragma once
// Validity of the Pixel Data element against the header, the same on the
// header-only fast path and on the full parse (core/dicom_file.cpp). Not for
// use outside core/ (takes DCMTK types).
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcxfer.h>

#include <cstdint>

#include "core/nesting_scan.h"
#include "core/status.h"

namespace rwd {

// Fails with kTruncated ("malformed: ...", naming tags, never values) when
//  - the transfer syntax is encapsulated (PS3.5 A.4) but Pixel Data has a
//    defined length (native bytes: no item structure);
//  - the transfer syntax is native but Pixel Data has an undefined length;
//  - native Pixel Data has an odd length (PS3.5 7.1.1) or is shorter than
//    Rows x Columns x Samples per Pixel x Bits Allocated / 8 x Number of
//    Frames (PS3.5 8.1.1, PS3.3 C.7.6.3), or those attributes are missing.
// `header` holds at least the elements before Pixel Data.
Status CheckPixelData(DcmItem& header, E_TransferSyntax xfer, const PixelDataEncoding& pixels);

}  // namespace rwd
