#pragma once
// Text helpers for the self-contained report: HTML escaping and base64
// (RFC 4648 section 4) for inline data: URIs.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace rwd::gateway::report {

// Escapes & < > " ' for element content and quoted attribute values.
std::string Html(std::string_view text);
std::string Base64(std::span<const uint8_t> bytes);
// A number with at most `digits` significant digits ("1.25", "400").
std::string Num(double value, int digits = 4);

}  // namespace rwd::gateway::report
