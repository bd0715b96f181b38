#include "anonymizer/image_encoding.h"

#include <jpeglib.h>
#include <png.h>

#include <algorithm>
#include <csetjmp>
#include <cstdio>

namespace rwd::anon {
namespace {

// libjpeg's default error handler calls exit(): return to the caller instead.
struct JpegError {
  jpeg_error_mgr mgr;
  std::jmp_buf jump;
};
[[noreturn]] void JpegErrorExit(j_common_ptr cinfo) { std::longjmp(reinterpret_cast<JpegError*>(cinfo->err)->jump, 1); }
void JpegSilence(j_common_ptr, int) {}

}  // namespace

Result<std::vector<uint8_t>> EncodeJpeg(const cv::Mat& bgr, int quality) {
  if (bgr.empty() || bgr.depth() != CV_8U || (bgr.channels() != 3 && bgr.channels() != 1))
    return Status::Error(ErrorCode::kInvalidArgument, "JPEG encoding: not an 8-bit grey or BGR image");
  const cv::Mat img = bgr.isContinuous() ? bgr : bgr.clone();
  jpeg_compress_struct cinfo{};
  JpegError err{};
  cinfo.err = jpeg_std_error(&err.mgr);
  err.mgr.error_exit = JpegErrorExit;
  err.mgr.emit_message = JpegSilence;
  // Written by libjpeg through its address (so kept in memory, not a register
  // that longjmp would leave stale): the error path frees what it holds.
  unsigned char* out = nullptr;
  unsigned long size = 0;
  if (setjmp(err.jump)) {
    jpeg_destroy_compress(&cinfo);
    std::free(out);
    return Status::Error(ErrorCode::kInternal, "JPEG encoding failed");
  }
  jpeg_create_compress(&cinfo);
  jpeg_mem_dest(&cinfo, &out, &size);
  cinfo.image_width = static_cast<JDIMENSION>(img.cols);
  cinfo.image_height = static_cast<JDIMENSION>(img.rows);
  cinfo.input_components = img.channels();
  cinfo.in_color_space = img.channels() == 3 ? JCS_EXT_BGR : JCS_GRAYSCALE;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, std::clamp(quality, 0, 100), TRUE);
  jpeg_start_compress(&cinfo, TRUE);
  while (cinfo.next_scanline < cinfo.image_height) {
    JSAMPROW row = const_cast<JSAMPROW>(img.ptr<uint8_t>(static_cast<int>(cinfo.next_scanline)));
    jpeg_write_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_compress(&cinfo);
  std::vector<uint8_t> jpeg(out, out + size);
  jpeg_destroy_compress(&cinfo);
  std::free(out);
  return jpeg;
}

Result<std::vector<uint8_t>> EncodePng(const cv::Mat& grey) {
  if (grey.empty() || grey.type() != CV_8UC1)
    return Status::Error(ErrorCode::kInvalidArgument, "PNG encoding: not an 8-bit grey image");
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  image.width = static_cast<png_uint_32>(grey.cols);
  image.height = static_cast<png_uint_32>(grey.rows);
  image.format = PNG_FORMAT_GRAY;
  const auto stride = static_cast<png_int_32>(grey.step[0]);
  png_alloc_size_t size = 0;
  if (!png_image_write_to_memory(&image, nullptr, &size, 0, grey.data, stride, nullptr)) {
    png_image_free(&image);
    return Status::Error(ErrorCode::kInternal, "PNG encoding failed");
  }
  std::vector<uint8_t> png(size);
  if (!png_image_write_to_memory(&image, png.data(), &size, 0, grey.data, stride, nullptr)) {
    png_image_free(&image);
    return Status::Error(ErrorCode::kInternal, "PNG encoding failed");
  }
  png.resize(size);
  return png;
}

}  // namespace rwd::anon
