package dev.inference.nemotron.pod.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileAccessTest {
  @TempDir Path dir;

  @Test
  void namesTheReasonOfEveryFileSystemFailureInWords() {
    assertThat(FileAccess.reason(new AccessDeniedException("/x"))).isEqualTo("permission denied");
    assertThat(FileAccess.reason(new NoSuchFileException("/x")))
        .isEqualTo("no such file or directory");
    assertThat(FileAccess.reason(new NotDirectoryException("/x"))).isEqualTo("not a directory");
    assertThat(FileAccess.reason(new FileSystemException("/x", null, "Read-only file system")))
        .isEqualTo("read-only file system");
    assertThat(FileAccess.reason(new MalformedInputException(1))).isEqualTo("not valid UTF-8 text");
    assertThat(FileAccess.reason(new IOException("Is a directory"))).isEqualTo("is a directory");
    assertThat(FileAccess.reason(new IOException())).isEqualTo("IOException");
  }

  @Test
  void describesABarePathExceptionAsWhatFailedAndWhy() {
    assertThat(FileAccess.describe(new AccessDeniedException("/m/config.json")))
        .isEqualTo("cannot access /m/config.json: permission denied");
    assertThat(
            FileAccess.describe(new FileSystemException("/a", "/b", "Invalid cross-device link")))
        .isEqualTo("cannot access /a -> /b: invalid cross-device link");
    assertThat(
            FileAccess.failure("read", Path.of("/m/config.json"), new AccessDeniedException("/m")))
        .hasMessage("cannot read /m/config.json: permission denied")
        .hasCauseInstanceOf(AccessDeniedException.class);
  }

  @Test
  void kindTellsMissingFromUnreachable() throws Exception {
    Path file = Files.writeString(dir.resolve("f"), "x");
    assertThat(FileAccess.kind(dir)).isEqualTo(FileAccess.Kind.DIRECTORY);
    assertThat(FileAccess.kind(file)).isEqualTo(FileAccess.Kind.FILE);
    assertThat(FileAccess.kind(dir.resolve("absent"))).isEqualTo(FileAccess.Kind.MISSING);
    // stat reports a path through a file as missing, like the JDK's Files.exists.
    assertThat(FileAccess.kind(file.resolve("below"))).isEqualTo(FileAccess.Kind.MISSING);
    Path loop = Files.createSymbolicLink(dir.resolve("loop"), dir.resolve("loop"));
    assertThatThrownBy(() -> FileAccess.kind(loop))
        .hasMessageStartingWith("cannot access " + loop + ": too many levels of symbolic links");
  }

  @Test
  void readStringSaysWhatFailed() throws Exception {
    assertThatThrownBy(() -> FileAccess.readString(dir))
        .hasMessage("cannot read " + dir + ": is a directory");
    Path latin1 = Files.write(dir.resolve("latin1.json"), new byte[] {'{', (byte) 0xe9, '}'});
    assertThatThrownBy(() -> FileAccess.readString(latin1))
        .hasMessage("cannot read " + latin1 + ": not valid UTF-8 text");
    assertThatThrownBy(() -> FileAccess.readString(dir.resolve("absent")))
        .hasMessage("cannot read " + dir.resolve("absent") + ": no such file or directory");
  }

  @Test
  void saysPermissionDeniedForAFileInADirectoryWithoutSearchPermission() throws Exception {
    Assumptions.assumeFalse("root".equals(System.getProperty("user.name")), "root reads all");
    Path closed = Files.createDirectory(dir.resolve("closed"));
    Files.writeString(closed.resolve("config.json"), "{}");
    Files.setPosixFilePermissions(closed, Set.of());
    try {
      assertThatThrownBy(() -> FileAccess.kind(closed.resolve("config.json")))
          .hasMessage("cannot access " + closed.resolve("config.json") + ": permission denied");
    } finally {
      Files.setPosixFilePermissions(
          closed, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    }
  }
}
