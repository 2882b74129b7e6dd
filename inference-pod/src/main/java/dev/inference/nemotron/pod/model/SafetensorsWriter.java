package dev.inference.nemotron.pod.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Writes a {@code .safetensors} file in the layout the reference implementation produces and
 * accepts: header JSON with tensors sorted by name (plus {@code __metadata__ {"format": "pt"}}),
 * padded with spaces so that the data section starts 8-byte aligned, then each tensor's bytes back
 * to back in name order (no gaps, which the reference reader rejects).
 *
 * <p>Values are streamed from an {@link Elements} source block by block and converted to the
 * tensor's dtype (round to nearest even), so a multi-gigabyte file never exists on the heap.
 */
public final class SafetensorsWriter {
  private static final int BLOCK_ELEMENTS = 1 << 16;

  /** A tensor's values in row-major order, produced a block at a time. */
  @FunctionalInterface
  public interface Elements {
    /** Writes elements {@code first .. first + count - 1} into {@code block[0 .. count-1]}. */
    void fill(long first, float[] block, int count);
  }

  private record Pending(
      DType dtype,
      long[] shape,
      Elements elements,
      MemorySegment raw,
      Supplier<MemorySegment> lazy) {
    Pending(DType dtype, long[] shape, Elements elements, MemorySegment raw) {
      this(dtype, shape, elements, raw, null);
    }

    long bytes() {
      return Arrays.stream(shape).reduce(1, Math::multiplyExact) * dtype.bytes();
    }
  }

  private final Map<String, Pending> tensors = new TreeMap<>();
  private final Map<String, String> metadata = new TreeMap<>(Map.of("format", "pt"));

  /** Adds a tensor whose values come from {@code elements}. */
  public SafetensorsWriter add(String name, DType dtype, long[] shape, Elements elements) {
    put(name, new Pending(dtype, shape.clone(), elements, null));
    return this;
  }

  /** Adds a tensor holding {@code values} (converted to {@code dtype}). */
  public SafetensorsWriter add(String name, DType dtype, float[] values, long... shape) {
    long count = Arrays.stream(shape).reduce(1, Math::multiplyExact);
    if (count != values.length) {
      throw new IllegalArgumentException(
          name
              + ": shape "
              + Arrays.toString(shape)
              + " needs "
              + count
              + " values, got "
              + values.length);
    }
    return add(
        name,
        dtype,
        shape,
        (first, block, n) -> System.arraycopy(values, (int) first, block, 0, n));
  }

  /** Adds a copy of {@code tensor}'s bytes, unchanged. */
  public SafetensorsWriter add(Tensor tensor) {
    put(tensor.name(), new Pending(tensor.dtype(), tensor.shape(), null, tensor.data()));
    return this;
  }

  /**
   * Adds a tensor whose bytes {@code raw} produces when the writer reaches it (tensors are written
   * in name order), so that a converted checkpoint never holds more than a tensor or two in memory.
   * The segment must be {@code shape}'s element count times {@code dtype}'s size long.
   */
  public SafetensorsWriter addRaw(
      String name, DType dtype, long[] shape, Supplier<MemorySegment> raw) {
    put(name, new Pending(dtype, shape.clone(), null, null, raw));
    return this;
  }

  /** Adds a {@code __metadata__} entry. */
  public SafetensorsWriter metadata(String key, String value) {
    metadata.put(key, value);
    return this;
  }

  private void put(String name, Pending pending) {
    if (name.equals("__metadata__") || tensors.putIfAbsent(name, pending) != null) {
      throw new IllegalArgumentException("tensor name " + name + " is reserved or already added");
    }
  }

  /** Writes the file (replacing it) and returns its size in bytes. */
  public long write(Path file) throws IOException {
    byte[] header = header();
    try (FileChannel channel =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
      MemorySegment bufferMemory = MemorySegment.ofBuffer(buffer);
      buffer.putLong(header.length).put(header);
      float[] block = new float[BLOCK_ELEMENTS];
      for (Pending t : tensors.values()) {
        if (t.raw() != null || t.lazy() != null) {
          buffer = drain(channel, buffer);
          MemorySegment raw = t.raw() != null ? t.raw() : t.lazy().get();
          if (raw.byteSize() != t.bytes()) {
            throw new IllegalStateException(
                "tensor bytes: produced " + raw.byteSize() + ", the header says " + t.bytes());
          }
          ByteBuffer bytes = raw.asByteBuffer();
          while (bytes.hasRemaining()) {
            channel.write(bytes);
          }
        } else {
          buffer = stream(channel, buffer, bufferMemory, t, block);
        }
      }
      drain(channel, buffer);
      return channel.size();
    }
  }

  /** Encodes {@code t} through {@code buffer}, whose whole capacity {@code out} covers. */
  private static ByteBuffer stream(
      FileChannel channel, ByteBuffer buffer, MemorySegment out, Pending t, float[] block)
      throws IOException {
    long count = t.bytes() / t.dtype().bytes();
    for (long first = 0; first < count; first += BLOCK_ELEMENTS) {
      int n = (int) Math.min(BLOCK_ELEMENTS, count - first);
      t.elements().fill(first, block, n);
      if (buffer.remaining() < (long) n * t.dtype().bytes()) {
        buffer = drain(channel, buffer);
      }
      long base = buffer.position() / t.dtype().bytes();
      int offset = buffer.position() % t.dtype().bytes();
      MemorySegment target = out.asSlice(offset);
      for (int i = 0; i < n; i++) {
        t.dtype().encode(target, base + i, block[i]);
      }
      buffer.position(buffer.position() + n * t.dtype().bytes());
    }
    return buffer;
  }

  private static ByteBuffer drain(FileChannel channel, ByteBuffer buffer) throws IOException {
    buffer.flip();
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
    return buffer.clear();
  }

  private byte[] header() {
    ObjectNode root = ConfigJson.JSON.createObjectNode();
    ObjectNode meta = root.putObject("__metadata__");
    metadata.forEach(meta::put);
    long offset = 0;
    for (Map.Entry<String, Pending> e : tensors.entrySet()) {
      Pending t = e.getValue();
      ObjectNode node = root.putObject(e.getKey());
      node.put("dtype", t.dtype().name());
      ArrayNode shape = node.putArray("shape");
      Arrays.stream(t.shape()).forEach(shape::add);
      node.putArray("data_offsets").add(offset).add(offset + t.bytes());
      offset += t.bytes();
    }
    String json;
    try {
      json = ConfigJson.JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize a JSON tree", e);
    }
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    int padded = (bytes.length + 7) & ~7;
    byte[] header = Arrays.copyOf(bytes, padded);
    Arrays.fill(header, bytes.length, padded, (byte) ' ');
    return header;
  }
}
