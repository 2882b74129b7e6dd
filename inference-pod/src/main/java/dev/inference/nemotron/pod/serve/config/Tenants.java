package dev.inference.nemotron.pod.serve.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The tenants of a server with their API keys, read from the key files the pod template mounts from
 * the tenants' Secrets. Only SHA-256 digests of the keys are kept; keys never appear in {@link
 * #toString()} or in error messages. With no tenants configured the API is open.
 */
public final class Tenants {

  private record Entry(TenantConfig config, byte[] keyDigest) {}

  private final List<Entry> entries;

  private Tenants(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  /** No tenants: every request is accepted without a key. */
  public static Tenants open() {
    return new Tenants(List.of());
  }

  /**
   * Reads each tenant's key file (the key is its content without surrounding whitespace, so a
   * trailing newline from {@code kubectl create secret --from-file} does not count).
   *
   * @throws InvalidConfigException naming the tenant and the file (never the key) when a file is
   *     missing, unreadable or empty, or when two tenants share a key
   */
  public static Tenants load(List<TenantConfig> tenants) {
    List<Entry> entries = new ArrayList<>();
    for (TenantConfig tenant : tenants) {
      byte[] digest = sha256(readKey(tenant));
      for (Entry other : entries) {
        if (MessageDigest.isEqual(other.keyDigest, digest)) {
          throw new InvalidConfigException(
              tenant.apiKeyFile(),
              "tenants '%s' and '%s' have the same API key; give each tenant its own key"
                  .formatted(other.config.name(), tenant.name()));
        }
      }
      entries.add(new Entry(tenant, digest));
    }
    return new Tenants(entries);
  }

  /** Whether no tenants are configured: requests need no key. */
  public boolean isOpen() {
    return entries.isEmpty();
  }

  /** The tenants, in the order of the file. */
  public List<TenantConfig> configs() {
    return entries.stream().map(Entry::config).toList();
  }

  /**
   * The tenant whose key is {@code bearerToken}; empty when none (or the token is null or empty).
   * The comparison takes the same time whichever tenant matches, and whether one does: digests are
   * compared with {@link MessageDigest#isEqual} against every tenant.
   */
  public Optional<TenantConfig> authenticate(String bearerToken) {
    if (bearerToken == null || bearerToken.isEmpty()) {
      return Optional.empty();
    }
    byte[] digest = sha256(bearerToken);
    TenantConfig match = null;
    for (Entry e : entries) {
      if (MessageDigest.isEqual(e.keyDigest, digest)) {
        match = e.config;
      }
    }
    return Optional.ofNullable(match);
  }

  /**
   * The token of an {@code Authorization: Bearer <token>} header value; empty for another scheme or
   * no header. The scheme is case-insensitive, as HTTP says.
   */
  public static Optional<String> bearerToken(String authorizationHeader) {
    if (authorizationHeader == null) {
      return Optional.empty();
    }
    String value = authorizationHeader.strip();
    int space = value.indexOf(' ');
    if (space < 0 || !value.substring(0, space).toLowerCase(Locale.ROOT).equals("bearer")) {
      return Optional.empty();
    }
    String token = value.substring(space + 1).strip();
    return token.isEmpty() ? Optional.empty() : Optional.of(token);
  }

  /** Whether {@code other} has the same tenants with the same keys. */
  public boolean sameAs(Tenants other) {
    if (entries.size() != other.entries.size()) {
      return false;
    }
    for (int i = 0; i < entries.size(); i++) {
      Entry a = entries.get(i);
      Entry b = other.entries.get(i);
      if (!a.config.equals(b.config) || !Arrays.equals(a.keyDigest, b.keyDigest)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return isOpen()
        ? "Tenants[open]"
        : "Tenants" + entries.stream().map(e -> e.config.name()).toList();
  }

  private static String readKey(TenantConfig tenant) {
    Path file = tenant.apiKeyFile();
    String key;
    try {
      if (Files.isDirectory(file)) {
        throw new InvalidConfigException(
            file, "tenant '%s': the API key file is a directory".formatted(tenant.name()));
      }
      key = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).strip();
    } catch (NoSuchFileException e) {
      throw new InvalidConfigException(
          file,
          "tenant '%s': the API key file does not exist (is the tenant's Secret mounted?)"
              .formatted(tenant.name()));
    } catch (AccessDeniedException e) {
      throw new InvalidConfigException(
          file,
          "tenant '%s': the API key file is not readable (permission denied)"
              .formatted(tenant.name()));
    } catch (IOException e) {
      throw new InvalidConfigException(
          file,
          "tenant '%s': the API key file cannot be read (%s)"
              .formatted(tenant.name(), e.getClass().getSimpleName()));
    }
    if (key.isEmpty()) {
      throw new InvalidConfigException(
          file,
          "tenant '%s': the API key file is empty; put the key in the tenant's Secret"
              .formatted(tenant.name()));
    }
    return key;
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK provides SHA-256", e);
    }
  }
}
