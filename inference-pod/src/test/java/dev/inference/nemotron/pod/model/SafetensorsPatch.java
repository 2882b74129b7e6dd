package dev.inference.nemotron.pod.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Overwrites single elements of a safetensors file in place, as a corrupt checkpoint would. */
public final class SafetensorsPatch {
  private SafetensorsPatch() {}

  /** Sets element {@code index} of {@code tensor} to {@code value}, in the tensor's dtype. */
  public static void setElement(Path file, String tensor, long index, float value)
      throws IOException {
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      ch.read(length, 0);
      int headerBytes = (int) length.getLong(0);
      ByteBuffer header = ByteBuffer.allocate(headerBytes);
      ch.read(header, 8);
      JsonNode entry =
          new ObjectMapper()
              .readTree(new String(header.array(), StandardCharsets.UTF_8))
              .get(tensor);
      if (entry == null) {
        throw new IllegalArgumentException(file + " has no tensor " + tensor);
      }
      DType dtype = DType.fromSafetensors(entry.get("dtype").asText());
      byte[] bytes = new byte[dtype.bytes()];
      dtype.encode(MemorySegment.ofArray(bytes), 0, value);
      long at = 8 + headerBytes + entry.get("data_offsets").get(0).asLong() + index * bytes.length;
      ch.write(ByteBuffer.wrap(bytes), at);
    }
  }
}
