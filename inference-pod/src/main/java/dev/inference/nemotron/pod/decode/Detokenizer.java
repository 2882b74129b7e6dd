package dev.inference.nemotron.pod.decode;

/** Turns token ids into text; decoders use it only to detect stop strings. */
@FunctionalInterface
public interface Detokenizer {

  String decode(int[] ids);
}
