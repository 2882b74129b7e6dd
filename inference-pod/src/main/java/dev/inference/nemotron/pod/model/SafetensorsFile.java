package dev.inference.nemotron.pod.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One memory-mapped {@code .safetensors} file: an 8-byte little-endian header length, a JSON header
 * ({@code name -> {dtype, shape, data_offsets}}, offsets relative to the data section) and the data
 * section. The whole file is mapped read-only into the caller's arena: tensors are slices of the
 * mapping, never copied onto the heap, and have no 2 GB limit. The header is validated completely
 * when the file is opened; a tensor's dtype only when it is asked for, so that a buffer the runtime
 * ignores may have any dtype.
 */
public final class SafetensorsFile {
  /** The reference implementation's cap: a larger header is a corrupt length, not a header. */
  static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

  private static final ValueLayout.OfLong LONG_LE =
      ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  /** One header entry, validated against the data section. */
  record Entry(String name, String dtype, long[] shape, long begin, long end) {}

  private final Path file;
  private final MemorySegment data;
  private final Map<String, Entry> entries;

  private SafetensorsFile(Path file, MemorySegment data, Map<String, Entry> entries) {
    this.file = file;
    this.data = data;
    this.entries = entries;
  }

  /**
   * Maps {@code file} into {@code arena} (closing the arena unmaps it) and validates the header.
   */
  public static SafetensorsFile map(Path file, Arena arena) throws IOException {
    MemorySegment whole;
    try (FileChannel channel = open(file)) {
      long size = channel.size();
      if (size < 8) {
        throw new CheckpointFormatException(
            file
                + ": file is "
                + size
                + " bytes, shorter than the 8-byte safetensors header length");
      }
      try {
        whole = channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
      } catch (IOException e) {
        throw FileAccess.failure("memory-map", file, e);
      }
    }
    long size = whole.byteSize();
    long headerLength = whole.get(LONG_LE, 0);
    if (headerLength < 2 || headerLength > MAX_HEADER_BYTES) {
      throw new CheckpointFormatException(
          file
              + ": header length "
              + Long.toUnsignedString(headerLength)
              + " is not plausible (expected 2 .. "
              + MAX_HEADER_BYTES
              + " bytes): not a safetensors file?");
    }
    if (8 + headerLength > size) {
      throw new CheckpointFormatException(
          file
              + ": header length "
              + headerLength
              + " goes beyond the end of the file ("
              + size
              + " bytes): file truncated?");
    }
    byte[] header = whole.asSlice(8, headerLength).toArray(ValueLayout.JAVA_BYTE);
    MemorySegment data = whole.asSlice(8 + headerLength);
    return new SafetensorsFile(file, data, parseHeader(file, header, data.byteSize()));
  }

  private static FileChannel open(Path file) throws IOException {
    try {
      return FileChannel.open(file, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw new CheckpointFormatException(file + ": safetensors file not found");
    } catch (IOException e) {
      throw FileAccess.failure("read", file, e);
    }
  }

  private static Map<String, Entry> parseHeader(Path file, byte[] header, long dataSize)
      throws CheckpointFormatException {
    JsonNode root;
    try {
      root = ConfigJson.JSON.readTree(new String(header, StandardCharsets.UTF_8));
    } catch (JsonProcessingException e) {
      throw new CheckpointFormatException(
          file + ": header is not valid JSON (" + e.getOriginalMessage() + ")", e);
    }
    if (root == null || !root.isObject()) {
      throw new CheckpointFormatException(file + ": header is not a JSON object");
    }
    Map<String, Entry> entries = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if (!field.getKey().equals("__metadata__")) {
        Entry e = parseEntry(file, field.getKey(), field.getValue(), dataSize);
        entries.put(e.name(), e);
      }
    }
    rejectOverlaps(file, entries.values());
    return entries;
  }

  private static Entry parseEntry(Path file, String name, JsonNode node, long dataSize)
      throws CheckpointFormatException {
    String where = file + ": tensor " + name;
    if (!node.isObject()) {
      throw new CheckpointFormatException(
          where + ": expected {dtype, shape, data_offsets}, got " + node);
    }
    JsonNode dtype = node.get("dtype");
    if (dtype == null || !dtype.isTextual()) {
      throw new CheckpointFormatException(where + ": dtype must be a string, got " + dtype);
    }
    int elementBytes = elementBytes(dtype.asText());
    if (elementBytes == 0) {
      throw new CheckpointFormatException(
          where + ": unknown dtype " + dtype.asText() + " (not a safetensors dtype)");
    }
    long[] shape = nonNegativeLongs(where, "shape", node.get("shape"), -1);
    long[] offsets = nonNegativeLongs(where, "data_offsets", node.get("data_offsets"), 2);
    long begin = offsets[0];
    long end = offsets[1];
    if (end < begin) {
      throw new CheckpointFormatException(
          where + ": data_offsets " + Arrays.toString(offsets) + " end before they begin");
    }
    if (end > dataSize) {
      throw new CheckpointFormatException(
          where
              + ": data_offsets "
              + Arrays.toString(offsets)
              + " go beyond the data section of "
              + dataSize
              + " bytes: file truncated?");
    }
    long expected;
    try {
      expected = elementBytes;
      for (long d : shape) {
        expected = Math.multiplyExact(expected, d);
      }
    } catch (ArithmeticException e) {
      throw new CheckpointFormatException(
          where + ": shape " + Arrays.toString(shape) + " is too large");
    }
    if (end - begin != expected) {
      throw new CheckpointFormatException(
          where
              + ": data_offsets "
              + Arrays.toString(offsets)
              + " hold "
              + (end - begin)
              + " bytes, expected "
              + expected
              + " for "
              + dtype.asText()
              + Arrays.toString(shape));
    }
    return new Entry(name, dtype.asText(), shape, begin, end);
  }

  private static long[] nonNegativeLongs(String where, String field, JsonNode node, int length)
      throws CheckpointFormatException {
    String expectation =
        length < 0 ? "a list of non-negative integers" : length + " non-negative integers";
    if (node == null || !node.isArray() || (length >= 0 && node.size() != length)) {
      throw new CheckpointFormatException(
          where + ": " + field + " must be " + expectation + ", got " + node);
    }
    long[] values = new long[node.size()];
    for (int i = 0; i < values.length; i++) {
      JsonNode v = node.get(i);
      if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
        throw new CheckpointFormatException(
            where + ": " + field + " must be " + expectation + ", got " + node);
      }
      values[i] = v.longValue();
    }
    return values;
  }

  private static void rejectOverlaps(Path file, Iterable<Entry> entries)
      throws CheckpointFormatException {
    List<Entry> byOffset = new ArrayList<>();
    entries.forEach(byOffset::add);
    byOffset.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
    Entry previous = null;
    for (Entry e : byOffset) {
      if (e.begin() == e.end()) {
        continue; // an empty tensor occupies no bytes and cannot overlap
      }
      if (previous != null && e.begin() < previous.end()) {
        throw new CheckpointFormatException(
            file
                + ": tensors "
                + previous.name()
                + " [bytes "
                + previous.begin()
                + ", "
                + previous.end()
                + ") and "
                + e.name()
                + " [bytes "
                + e.begin()
                + ", "
                + e.end()
                + ") overlap; each tensor needs its own bytes");
      }
      previous = e;
    }
  }

  /** Bytes per element of every safetensors dtype; 0 for a name that is not one. */
  static int elementBytes(String dtype) {
    return switch (dtype) {
      case "BOOL", "U8", "I8", "F8_E4M3", "F8_E5M2" -> 1;
      case "I16", "U16", "F16", "BF16" -> 2;
      case "I32", "U32", "F32" -> 4;
      case "I64", "U64", "F64" -> 8;
      default -> 0;
    };
  }

  /** The file this was mapped from. */
  public Path file() {
    return file;
  }

  /** The tensor names in the header, sorted. */
  public Set<String> names() {
    return entries.keySet();
  }

  public boolean contains(String name) {
    return entries.containsKey(name);
  }

  /** The header's shape of {@code name}. */
  public long[] shape(String name) throws CheckpointFormatException {
    return entry(name).shape().clone();
  }

  /**
   * The tensor {@code name} as a slice of the mapping.
   *
   * @throws CheckpointFormatException when absent or stored in a dtype the runtime does not read
   */
  public Tensor tensor(String name) throws CheckpointFormatException {
    Entry e = entry(name);
    DType dtype;
    try {
      dtype = DType.fromSafetensors(e.dtype());
    } catch (IllegalArgumentException ex) {
      throw new CheckpointFormatException(file + ": tensor " + name + ": " + ex.getMessage());
    }
    return new Tensor(name, dtype, e.shape(), data.asSlice(e.begin(), e.end() - e.begin()));
  }

  private Entry entry(String name) throws CheckpointFormatException {
    Entry e = entries.get(name);
    if (e == null) {
      throw new CheckpointFormatException(file + ": no tensor named " + name);
    }
    return e;
  }
}
