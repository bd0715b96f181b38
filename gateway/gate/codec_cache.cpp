#include "gateway/gate/codec_cache.h"

#include <map>
#include <memory>
#include <string>

namespace rwd::gateway::gate {

const TextCodec* CodecFor(std::string_view cs) {
  thread_local std::map<std::string, std::unique_ptr<TextCodec>, std::less<>> cache;
  auto it = cache.find(cs);
  if (it == cache.end()) {
    auto codec = TextCodec::Create(cs);
    std::unique_ptr<TextCodec> kept;
    if (codec.ok() && !(*codec)->is_utf8()) kept = std::move(codec).value();
    if (cache.size() > 64) cache.clear();  // bounded: a handful of character sets in practice
    it = cache.emplace(std::string(cs), std::move(kept)).first;
  }
  return it->second.get();
}

}  // namespace rwd::gateway::gate
