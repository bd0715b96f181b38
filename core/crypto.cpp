#include "core/crypto.h"

#include <openssl/evp.h>
#include <openssl/err.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <stdexcept>

namespace rwd {

std::string ToHex(std::span<const uint8_t> bytes) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (uint8_t b : bytes) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

struct Sha256::Impl {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~Impl() { EVP_MD_CTX_free(ctx); }
};

Sha256::Sha256() : impl_(std::make_unique<Impl>()) {
  if (!impl_->ctx || EVP_DigestInit_ex(impl_->ctx, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("SHA-256 init failed");
}
Sha256::~Sha256() = default;

void Sha256::Update(std::span<const uint8_t> data) {
  EVP_DigestUpdate(impl_->ctx, data.data(), data.size());
}
void Sha256::Update(std::string_view data) {
  EVP_DigestUpdate(impl_->ctx, data.data(), data.size());
}
Digest Sha256::Finish() {
  Digest d{};
  unsigned int len = 0;
  EVP_DigestFinal_ex(impl_->ctx, d.data(), &len);
  EVP_DigestInit_ex(impl_->ctx, EVP_sha256(), nullptr);
  return d;
}

Digest Sha256Of(std::span<const uint8_t> data) {
  Digest d{};
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), d.data(), &len, EVP_sha256(), nullptr);
  return d;
}
std::string Sha256Hex(std::span<const uint8_t> data) {
  return ToHex(Sha256Of(data));
}
std::string Sha256Hex(std::string_view data) {
  return Sha256Hex(std::span<const uint8_t>(
      reinterpret_cast<const uint8_t*>(data.data()), data.size()));
}

Digest HmacSha256(std::span<const uint8_t> key, std::string_view message) {
  Digest d{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(),
       d.data(), &len);
  return d;
}

}  // namespace rwd

// ------------------------------------------------------------------ Ed25519

namespace rwd {
namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
using Bio = std::unique_ptr<BIO, BioFree>;
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;

std::string BioText(BIO* bio) {
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio, &data);
  return n > 0 ? std::string(data, static_cast<size_t>(n)) : std::string();
}

Pkey ReadKey(std::string_view pem, bool is_private) {
  Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return nullptr;
  Pkey key(is_private ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr)
                      : PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  ERR_clear_error();  // OpenSSL's queue may name the PEM's content: never passed on
  if (key && EVP_PKEY_get_id(key.get()) != EVP_PKEY_ED25519) return nullptr;
  return key;
}

Result<std::string> PublicPemOf(EVP_PKEY* key) {
  Bio out(BIO_new(BIO_s_mem()));
  if (!out || PEM_write_bio_PUBKEY(out.get(), key) != 1)
    return Status::Error(ErrorCode::kInternal, "cannot write the Ed25519 public key");
  return BioText(out.get());
}

}  // namespace

Result<Ed25519KeyPair> GenerateEd25519KeyPair() {
  EVP_PKEY* raw = nullptr;
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr);
  const bool ok = ctx && EVP_PKEY_keygen_init(ctx) == 1 && EVP_PKEY_keygen(ctx, &raw) == 1;
  EVP_PKEY_CTX_free(ctx);
  Pkey key(raw);
  if (!ok || !key) return Status::Error(ErrorCode::kInternal, "cannot generate an Ed25519 key");
  Bio out(BIO_new(BIO_s_mem()));
  if (!out || PEM_write_bio_PrivateKey(out.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
    return Status::Error(ErrorCode::kInternal, "cannot write the Ed25519 private key");
  Ed25519KeyPair pair;
  pair.private_pem = BioText(out.get());
  auto pub = PublicPemOf(key.get());
  if (!pub.ok()) return pub.status();
  pair.public_pem = std::move(pub).value();
  return pair;
}

Result<std::string> Ed25519PublicPem(std::string_view private_pem) {
  Pkey key = ReadKey(private_pem, true);
  if (!key) return Status::Error(ErrorCode::kKeyError, "not an Ed25519 private key (PEM)");
  return PublicPemOf(key.get());
}

Result<std::vector<uint8_t>> Ed25519Sign(std::string_view private_pem, std::span<const uint8_t> message) {
  Pkey key = ReadKey(private_pem, true);
  if (!key) return Status::Error(ErrorCode::kKeyError, "not an Ed25519 private key (PEM)");
  MdCtx ctx(EVP_MD_CTX_new());
  std::vector<uint8_t> sig(64);
  size_t len = sig.size();
  // Ed25519 signs the message itself: no digest is named (RFC 8032 PureEdDSA).
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), sig.data(), &len, message.data(), message.size()) != 1 || len != 64)
    return Status::Error(ErrorCode::kInternal, "Ed25519 signing failed");
  return sig;
}

Result<std::string> Ed25519Fingerprint(std::string_view public_pem) {
  Pkey key = ReadKey(public_pem, false);
  if (!key) return Status::Error(ErrorCode::kKeyError, "not an Ed25519 public key (PEM)");
  unsigned char* der = nullptr;
  const int n = i2d_PUBKEY(key.get(), &der);
  if (n <= 0 || !der) return Status::Error(ErrorCode::kInternal, "cannot encode the public key");
  const std::string hex = Sha256Hex(std::span<const uint8_t>(der, static_cast<size_t>(n)));
  OPENSSL_free(der);
  return hex;
}

Status Ed25519Verify(std::string_view public_pem, std::span<const uint8_t> message,
                     std::span<const uint8_t> signature) {
  Pkey key = ReadKey(public_pem, false);
  if (!key) return Status::Error(ErrorCode::kKeyError, "not an Ed25519 public key (PEM)");
  MdCtx ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1)
    return Status::Error(ErrorCode::kInternal, "Ed25519 verification could not start");
  const int rc = EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), message.data(), message.size());
  ERR_clear_error();
  if (rc != 1) return Status::Error(ErrorCode::kUnsafe, "the signature does not match the data and the key");
  return Status::Ok();
}

}  // namespace rwd
