#pragma once
// The presentation contexts `rwdgate listen` accepts (PS3.8 7.1.1.13,
// PS3.4 B.3.1): Verification, and every storage SOP class DCMTK knows
// (dcmAllStorageSOPClassUIDs) or the standard lists (PS3.6 Table A-1,
// rules::StandardStorageSopClasses(): the classes newer than Debian's DCMTK),
// each with every transfer syntax DCMTK can store as received.
//
// We negotiate these ourselves rather than through DcmSCPConfig, whose
// association profile holds at most 128 contexts (the 128-context limit of
// PS3.8 binds what one A-ASSOCIATE-RQ proposes, not what an SCP accepts).
#include <string>
#include <vector>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmnet/assoc.h>

#include "core/status.h"

namespace rwd::gateway {

// The accepted storage SOP class UIDs: sorted, no duplicates.
const std::vector<std::string>& AcceptedStorageSopClasses();

// The accepted transfer syntaxes, most preferred first: uncompressed, then
// the compressed ones (as storescp does; a caller that proposes its file's
// own compressed syntax sends the object unchanged, bit for bit).
// Left out on purpose: JPIP referenced (the pixels stay on the sender's
// server, behind a URL), SMPTE ST 2110 (real-time video, not storage), the
// RFC 2557 / XML encodings (web media types, not network transfer).
const std::vector<std::string>& StorableTransferSyntaxes();

// Accepts every proposed context whose abstract syntax is Verification
// (uncompressed) or an accepted storage class (the first of our transfer
// syntaxes the caller proposed); refuses the others with the reason
// (abstract or transfer syntax not supported).
Status NegotiateStorageContexts(T_ASC_Parameters* params);

}  // namespace rwd::gateway
