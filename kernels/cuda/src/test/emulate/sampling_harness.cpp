// Executes sampling.cu's ndd_argmax / ndd_sample on the CPU (block_emulator.h) over random rows
// with many ties, for the rules and draws SamplingCheck wrote, and writes the picked ids and
// confidences for SamplingCheck to compare with the host picker.
// Usage: sampling_harness VOCAB ROWS SEED THREADS DIR   (reads DIR/rules.txt, DIR/draws.txt; writes
// DIR/logits.bin, DIR/picks.txt)
#include "block_emulator.h"

#include <cstdio>
#include <random>
#include <string>

#include "sampling.cu"

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: %s VOCAB ROWS SEED THREADS DIR\n", argv[0]);
    return 2;
  }
  int vocab = std::atoi(argv[1]), rows = std::atoi(argv[2]), threads = std::atoi(argv[4]);
  std::string dir = argv[5];
  const int excluded = 100;  // SamplingCheck.MASK
  std::mt19937 random(std::atoi(argv[3]));
  std::normal_distribution<float> gaussian(0.f, 2.5f);
  std::vector<float> logits((size_t)rows * vocab);
  for (int r = 0; r < rows; r++) {
    float* row = &logits[(size_t)r * vocab];
    // Eighths: ties everywhere, also at the top-k and top-p cuts.
    for (int i = 0; i < vocab; i++) row[i] = std::round(gaussian(random) * 8) / 8;
    if (r % 4 == 0) row[3] = row[vocab / 2] = row[vocab - 7] = 40;  // three tied maxima
    if (r % 4 == 1) row[excluded] = 99;                              // the mask at the maximum
    if (r % 4 == 2) row[vocab - 1] = 12;                             // the last id dominant
  }
  FILE* out = std::fopen((dir + "/logits.bin").c_str(), "wb");
  std::fwrite(logits.data(), sizeof(float), logits.size(), out);
  std::fclose(out);
  std::vector<int> rowIndex(rows);
  for (int r = 0; r < rows; r++) rowIndex[r] = r;
  FILE* rules = std::fopen((dir + "/rules.txt").c_str(), "r");
  FILE* draws = std::fopen((dir + "/draws.txt").c_str(), "r");
  FILE* picks = std::fopen((dir + "/picks.txt").c_str(), "w");
  if (!rules || !draws || !picks) {
    std::fprintf(stderr, "cannot open the files in %s\n", dir.c_str());
    return 2;
  }
  double temperature, topP;
  int topK;
  while (std::fscanf(rules, "%lf %d %lf", &temperature, &topK, &topP) == 3) {
    std::vector<float> u(rows);
    for (int r = 0; r < rows; r++) {
      double d;
      if (std::fscanf(draws, "%lf", &d) != 1) return 2;
      u[r] = std::fmin((float)d, std::nextafter(1.f, 0.f));  // as DeviceLogitsPicker.deviceDraw
    }
    std::vector<int> ids(rows);
    std::vector<float> confidence(rows);
    if (temperature == 0) {
      ndd_emulate(rows, threads, [&] {
        ndd_argmax(logits.data(), rowIndex.data(), vocab, excluded, ids.data(), confidence.data());
      });
    } else {
      ndd_emulate(rows, threads, [&] {
        ndd_sample(logits.data(), rowIndex.data(), vocab, excluded, (float)temperature, topK,
                   (float)topP, u.data(), ids.data(), confidence.data());
      });
    }
    for (int r = 0; r < rows; r++) std::fprintf(picks, "%d %.9g\n", ids[r], confidence[r]);
    std::fflush(picks);
  }
  std::fclose(picks);
  return 0;
}
