package dev.inference.nemotron.pod.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsFileTest {
  @TempDir Path dir;
  private final Arena arena = Arena.ofShared();

  @AfterEach
  void unmap() {
    arena.close();
  }

  /** A file with exactly this header JSON (no padding) and {@code dataBytes} zero bytes. */
  private Path raw(String name, String header, int dataBytes) throws IOException {
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + json.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(json.length).put(json);
    Path file = dir.resolve(name);
    Files.write(file, b.array());
    return file;
  }

  private SafetensorsFile map(Path file) throws IOException {
    return SafetensorsFile.map(file, arena);
  }

  @Test
  void roundTripsF32ValuesExactly() throws Exception {
    float[] values = randomValues(3 * 5, 1);
    values[0] = Float.MIN_VALUE;
    values[1] = -0.0f;
    values[2] = Float.MAX_VALUE;
    Path file = dir.resolve("f32.safetensors");
    new SafetensorsWriter().add("w", DType.F32, values, 3, 5).write(file);
    Tensor t = map(file).tensor("w");
    assertThat(t.dtype()).isEqualTo(DType.F32);
    assertThat(t.shape()).containsExactly(3, 5);
    for (int i = 0; i < values.length; i++) {
      assertThat(Float.floatToRawIntBits(t.get(i))).isEqualTo(Float.floatToRawIntBits(values[i]));
    }
  }

  @Test
  void roundTripsSixteenBitValuesToTheNearestRepresentableValue() throws Exception {
    float[] values = randomValues(4096, 2);
    Path file = dir.resolve("half.safetensors");
    new SafetensorsWriter()
        .add("b", DType.BF16, values, 64, 64)
        .add("h", DType.F16, values, 4096)
        .write(file);
    SafetensorsFile f = map(file);
    Tensor bf16 = f.tensor("b");
    Tensor f16 = f.tensor("h");
    for (int i = 0; i < values.length; i++) {
      assertThat(bf16.get(i)).isEqualTo(nearestBf16(values[i]));
      assertThat(f16.get(i)).isEqualTo(Float.float16ToFloat(Float.floatToFloat16(values[i])));
    }
  }

  @Test
  void roundsBf16HalfwayCasesToEven() throws Exception {
    float[] values = {
      1.00390625f, // 1 + 2^-8: halfway between 1 and 1 + 2^-7, rounds down to the even 1
      1.01171875f, // 1 + 3 * 2^-8: halfway between 1 + 2^-7 and 1 + 2^-6, rounds up to even
      -1.00390625f,
      Math.nextUp(1.00390625f), // just above halfway: rounds up
      Float.MAX_VALUE, // beyond bf16's largest finite value: rounds to infinity
      Float.NaN
    };
    Path file = dir.resolve("ties.safetensors");
    new SafetensorsWriter().add("t", DType.BF16, values, values.length).write(file);
    Tensor t = map(file).tensor("t");
    assertThat(t.get(0)).isEqualTo(1.0f);
    assertThat(t.get(1)).isEqualTo(1.015625f);
    assertThat(t.get(2)).isEqualTo(-1.0f);
    assertThat(t.get(3)).isEqualTo(1.0078125f);
    assertThat(t.get(4)).isEqualTo(Float.POSITIVE_INFINITY);
    assertThat(t.get(5)).isNaN();
  }

  @Test
  void writesAHeaderSortedByNameWithAnAlignedGaplessDataSection() throws Exception {
    Path file = dir.resolve("layout.safetensors");
    new SafetensorsWriter()
        .add("z", DType.BF16, new float[3], 3)
        .add("a", DType.F32, new float[2], 2)
        .write(file);
    byte[] bytes = Files.readAllBytes(file);
    long headerLength = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
    String header = new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8);
    assertThat(headerLength % 8).isZero();
    assertThat(header.indexOf("\"a\"")).isLessThan(header.indexOf("\"z\""));
    assertThat(header).contains("\"__metadata__\":{\"format\":\"pt\"}");
    assertThat(header).contains("\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}");
    assertThat(header).contains("\"z\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[8,14]}");
    assertThat(bytes.length).isEqualTo(8 + headerLength + 14);
  }

  @Test
  void rejectsAFileShorterThanTheHeaderLength() throws Exception {
    Path file = dir.resolve("tiny.safetensors");
    Files.write(file, new byte[5]);
    assertThatThrownBy(() -> map(file))
        .hasMessage(file + ": file is 5 bytes, shorter than the 8-byte safetensors header length");
  }

  @Test
  void rejectsAHeaderLengthBeyondTheEndOfTheFile() throws Exception {
    Path file =
        raw(
            "cut.safetensors",
            "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
            4);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(30);
    }
    assertThatThrownBy(() -> map(file))
        .hasMessageStartingWith(file + ": header length ")
        .hasMessageContaining(" goes beyond the end of the file (30 bytes)")
        .hasMessageContaining("truncated");
  }

  @Test
  void rejectsAnImplausibleHeaderLength() throws Exception {
    Path file = dir.resolve("garbage.safetensors");
    Files.write(file, "not a safetensors file at all".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> map(file))
        .hasMessageStartingWith(file + ": header length")
        .hasMessageContaining("is not plausible");
  }

  @Test
  void rejectsAHeaderThatIsNotJson() throws Exception {
    Path file = raw("corrupt.safetensors", "{\"w\":{\"dtype\":\"F32\",,}", 0);
    assertThatThrownBy(() -> map(file)).hasMessageStartingWith(file + ": header is not valid JSON");
    Path array = raw("array.safetensors", "[1, 2]", 0);
    assertThatThrownBy(() -> map(array)).hasMessage(array + ": header is not a JSON object");
  }

  @Test
  void rejectsAnUnsupportedDtypeNamingTheTensorWhenItIsRead() throws Exception {
    Path file =
        raw(
            "i16.safetensors",
            "{\"q\":{\"dtype\":\"I16\",\"shape\":[2],\"data_offsets\":[0,4]},"
                + "\"w\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[4,8]}}",
            8);
    SafetensorsFile f = map(file);
    assertThat(f.tensor("w").shape()).containsExactly(2);
    assertThatThrownBy(() -> f.tensor("q"))
        .hasMessage(
            file
                + ": tensor q: unsupported dtype I16 (supported: BF16, F16, F32, I8, U8, F8_E4M3)");
    Path unknown =
        raw("q4.safetensors", "{\"q\":{\"dtype\":\"Q4\",\"shape\":[4],\"data_offsets\":[0,2]}}", 2);
    assertThatThrownBy(() -> map(unknown))
        .hasMessage(unknown + ": tensor q: unknown dtype Q4 (not a safetensors dtype)");
  }

  @Test
  void rejectsOffsetsThatDoNotMatchShapeAndDtype() throws Exception {
    Path file =
        raw(
            "size.safetensors",
            "{\"w\":{\"dtype\":\"BF16\",\"shape\":[2,3],\"data_offsets\":[0,8]}}",
            8);
    assertThatThrownBy(() -> map(file))
        .hasMessage(
            file + ": tensor w: data_offsets [0, 8] hold 8 bytes, expected 12 for BF16[2, 3]");
  }

  @Test
  void rejectsOffsetsBeyondTheDataSectionAsTruncation() throws Exception {
    Path file =
        raw(
            "short.safetensors",
            "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}",
            12);
    assertThatThrownBy(() -> map(file))
        .hasMessage(
            file
                + ": tensor w: data_offsets [0, 16] go beyond the data section of 12 bytes: file truncated?");
  }

  @Test
  void rejectsOverlappingAndMalformedOffsets() throws Exception {
    Path overlap =
        raw(
            "overlap.safetensors",
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}",
            12);
    assertThatThrownBy(() -> map(overlap))
        .hasMessage(
            overlap
                + ": tensors a [bytes 0, 8) and b [bytes 4, 12) overlap; each tensor needs its own bytes");
    Path backwards =
        raw(
            "back.safetensors",
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,4]}}",
            8);
    assertThatThrownBy(() -> map(backwards))
        .hasMessage(backwards + ": tensor a: data_offsets [8, 4] end before they begin");
    Path negative =
        raw(
            "neg.safetensors",
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}",
            4);
    assertThatThrownBy(() -> map(negative))
        .hasMessage(
            negative + ": tensor a: shape must be a list of non-negative integers, got [-1]");
    Path noOffsets = raw("none.safetensors", "{\"a\":{\"dtype\":\"F32\",\"shape\":[1]}}", 4);
    assertThatThrownBy(() -> map(noOffsets))
        .hasMessage(
            noOffsets + ": tensor a: data_offsets must be 2 non-negative integers, got null");
  }

  @Test
  void ignoresMetadataAndReadsTensorsAfterIt() throws Exception {
    Path file =
        raw(
            "meta.safetensors",
            "{\"__metadata__\":{\"format\":\"pt\"},\"w\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}}",
            4);
    SafetensorsFile f = map(file);
    assertThat(f.names()).containsExactly("w");
    assertThat(f.tensor("w").elementCount()).isEqualTo(1);
    assertThatThrownBy(() -> f.tensor("v")).hasMessage(file + ": no tensor named v");
  }

  private static float[] randomValues(int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = (float) (random.nextGaussian() * Math.pow(2, random.nextInt(-20, 10)));
    }
    return values;
  }

  /** Reference bf16 rounding: pick the nearer of the two truncation neighbours, ties to even. */
  private static float nearestBf16(float v) {
    int bits = Float.floatToRawIntBits(v);
    float down = Float.intBitsToFloat(bits & 0xFFFF0000);
    float up = Float.intBitsToFloat((bits & 0xFFFF0000) + 0x10000);
    double dDown = Math.abs((double) v - down);
    double dUp = Math.abs((double) up - v);
    if (dDown != dUp) {
      return dDown < dUp ? down : up;
    }
    return ((bits >>> 16) & 1) == 0 ? down : up;
  }
}
