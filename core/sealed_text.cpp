#include "core/sealed_text.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>
#include <vector>

#include "core/crypto.h"

namespace rwd {
namespace {

constexpr int kNonce = 12, kTag = 16;

Digest SealKey(std::span<const uint8_t> project_key) { return HmacSha256(project_key, "rwdgate seal v1"); }

using Ctx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

int Hex(char c) { return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1; }

}  // namespace

std::string SealText(std::span<const uint8_t> project_key, std::string_view plain) {
  const Digest key = SealKey(project_key);
  std::vector<uint8_t> out(kNonce + plain.size() + kTag);
  if (RAND_bytes(out.data(), kNonce) != 1) throw std::runtime_error("no random bytes for a nonce");
  Ctx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int n = 0;
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), out.data()) != 1 ||
      EVP_EncryptUpdate(ctx.get(), out.data() + kNonce, &n, reinterpret_cast<const uint8_t*>(plain.data()),
                        static_cast<int>(plain.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), out.data() + kNonce + n, &n) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTag, out.data() + kNonce + plain.size()) != 1)
    throw std::runtime_error("AES-GCM sealing failed");
  return ToHex(out);
}

Result<std::string> OpenSealedText(std::span<const uint8_t> project_key, std::string_view sealed) {
  const auto bad = Status::Error(ErrorCode::kInvalidArgument, "sealed text does not open with this key");
  if (sealed.size() % 2 || sealed.size() < 2 * (kNonce + kTag)) return bad;
  std::vector<uint8_t> raw(sealed.size() / 2);
  for (size_t i = 0; i < raw.size(); ++i) {
    const int hi = Hex(sealed[2 * i]), lo = Hex(sealed[2 * i + 1]);
    if (hi < 0 || lo < 0) return bad;
    raw[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  const Digest key = SealKey(project_key);
  const size_t len = raw.size() - kNonce - kTag;
  std::string plain(len, '\0');
  Ctx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int n = 0;
  if (!ctx || EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), raw.data()) != 1 ||
      EVP_DecryptUpdate(ctx.get(), reinterpret_cast<uint8_t*>(plain.data()), &n, raw.data() + kNonce,
                        static_cast<int>(len)) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTag, raw.data() + kNonce + len) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<uint8_t*>(plain.data()) + n, &n) != 1)
    return bad;
  return plain;
}

}  // namespace rwd
