package dev.inference.nemotron.pod.model;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Opens checkpoint and tokenizer files so that a failure says what failed and why. The JDK reports
 * a denied or missing file as an {@link AccessDeniedException} or {@link NoSuchFileException} whose
 * message is the bare path; printed as it is, the user sees {@code /models/x/config.json} and has
 * to guess. Here every such failure becomes {@code cannot read /models/x/config.json: permission
 * denied}.
 *
 * <p>The existence checks differ from {@link Files#isRegularFile} in the same way: a file that
 * cannot be examined (a parent directory without search permission) is an error naming the reason,
 * not "absent", so that a permission problem is never reported as a missing file.
 */
public final class FileAccess {
  /** What a path is, as far as the runtime cares. */
  public enum Kind {
    /** Nothing at that path. */
    MISSING,
    /** A regular file (symbolic links followed). */
    FILE,
    /** A directory (symbolic links followed). */
    DIRECTORY,
    /** A device, socket, pipe or other special file. */
    OTHER
  }

  private FileAccess() {}

  /**
   * What {@code path} is; {@link Kind#MISSING} only when nothing is there.
   *
   * @throws IOException {@code cannot access PATH: REASON} when the path cannot be examined
   */
  public static Kind kind(Path path) throws IOException {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(path, BasicFileAttributes.class);
    } catch (NoSuchFileException e) {
      return Kind.MISSING;
    } catch (IOException e) {
      throw failure("access", path, e);
    }
    if (attributes.isRegularFile()) {
      return Kind.FILE;
    }
    return attributes.isDirectory() ? Kind.DIRECTORY : Kind.OTHER;
  }

  /** The text of {@code file}, read as UTF-8; {@code cannot read FILE: REASON} on failure. */
  public static String readString(Path file) throws IOException {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw failure("read", file, e);
    }
  }

  /**
   * An exception saying {@code cannot VERB FILE: REASON} ({@code cannot read /m/config.json:
   * permission denied}), with {@code e} as its cause.
   */
  public static IOException failure(String verb, Path file, IOException e) {
    return new IOException("cannot " + verb + " " + file + ": " + reason(e), e);
  }

  /**
   * Why an I/O operation failed, in words: {@code permission denied}, {@code no such file or
   * directory}, {@code not a directory}, the operating system's reason of any other {@link
   * FileSystemException}, {@code not valid UTF-8 text}, else the exception's message.
   */
  public static String reason(IOException e) {
    if (e instanceof FileSystemException fs
        && fs.getReason() != null
        && !fs.getReason().isBlank()) {
      return lowerFirst(fs.getReason());
    }
    return switch (e) {
      case AccessDeniedException x -> "permission denied";
      case NoSuchFileException x -> "no such file or directory";
      case NotDirectoryException x -> "not a directory";
      case FileAlreadyExistsException x -> "already exists";
      case DirectoryNotEmptyException x -> "directory not empty";
      case NotLinkException x -> "not a symbolic link";
      case FileSystemLoopException x -> "symbolic link loop";
      case AtomicMoveNotSupportedException x -> "atomic move not supported";
      case FileSystemException x -> "file system error";
      case CharacterCodingException x -> "not valid UTF-8 text";
      default ->
          e.getMessage() == null || e.getMessage().isBlank()
              ? e.getClass().getSimpleName()
              : lowerFirst(e.getMessage());
    };
  }

  /**
   * A message for an I/O failure that reached the user without one: {@code cannot access FILE:
   * REASON} for a {@link FileSystemException} (with {@code -> OTHER} for a two-file operation such
   * as a move), the reason alone otherwise.
   */
  public static String describe(IOException e) {
    if (e instanceof FileSystemException fs && fs.getFile() != null) {
      String other = fs.getOtherFile() == null ? "" : " -> " + fs.getOtherFile();
      return "cannot access " + fs.getFile() + other + ": " + reason(e);
    }
    return reason(e);
  }

  /** "Is a directory" becomes "is a directory"; "UTF-8 ..." and "I/O error" stay as they are. */
  private static String lowerFirst(String text) {
    if (text.length() > 1
        && Character.isUpperCase(text.charAt(0))
        && Character.isLowerCase(text.charAt(1))) {
      return Character.toLowerCase(text.charAt(0)) + text.substring(1);
    }
    return text;
  }
}
